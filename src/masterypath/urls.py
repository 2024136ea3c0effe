from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "masterypath administration"
admin.site.site_title = "masterypath"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("masterypath.api.urls")),
    path("xapi/", include("masterypath.interop.xapi.urls")),
    path("", include("masterypath.web.urls")),
]

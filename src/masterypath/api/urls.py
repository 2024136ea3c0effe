from django.urls import path

from masterypath.api.docs import asset
from masterypath.api.main import api

urlpatterns = [
    path("v1/assets/<str:name>", asset, name="api-asset"),
    path("v1/", api.urls),
]

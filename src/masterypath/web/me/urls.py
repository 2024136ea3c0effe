"""A student's own pages under /me/."""

from django.urls import path

from masterypath.web.me import views

app_name = "me"

urlpatterns = [
    path("exit-tickets/", views.my_exit_tickets, name="exit-tickets"),
    path("exit-tickets/<int:assessment_id>/", views.my_exit_ticket, name="exit-ticket"),
    path("work/", views.my_work, name="work"),
]

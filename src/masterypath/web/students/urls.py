"""A student's own pages under /me/."""

from django.urls import path

from masterypath.web.students import views

app_name = "students"

urlpatterns = [
    path("exit-tickets/", views.my_exit_tickets, name="my-exit-tickets"),
    path("exit-tickets/<int:assessment_id>/", views.my_exit_ticket, name="my-exit-ticket"),
    path("work/", views.my_work, name="my-work"),
]

from django.contrib import admin

from masterypath.common.admin_audit import AuditedAdmin
from masterypath.common.admin_scope import DistrictScopedAdmin, DistrictScopedInline
from masterypath.roster.models import (
    Course,
    Enrollment,
    Guardian,
    GuardianLink,
    Section,
    Staff,
    Student,
)


class GuardianLinkInline(DistrictScopedInline):
    model = GuardianLink
    extra = 0
    raw_id_fields = ("guardian", "student")


@admin.register(Student)
class StudentAdmin(AuditedAdmin):
    district_paths = ("district_id",)

    @staticmethod
    def student_id_of(obj: Student) -> int | None:
        return obj.pk

    list_display = ("local_id", "family_name", "given_name", "grade_level", "school", "is_active")
    list_filter = ("school", "grade_level", "is_english_learner", "disability")
    search_fields = ("local_id", "state_id", "family_name", "given_name", "source_id")
    raw_id_fields = ("user",)
    inlines = [GuardianLinkInline]


@admin.register(Guardian)
class GuardianAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ("family_name", "given_name", "email", "preferred_language")
    search_fields = ("family_name", "given_name", "email")
    raw_id_fields = ("user",)
    inlines = [GuardianLinkInline]


@admin.register(Staff)
class StaffAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ("family_name", "given_name", "role", "school")
    list_filter = ("role", "school")
    search_fields = ("family_name", "given_name", "email")
    raw_id_fields = ("user",)


@admin.register(Course)
class CourseAdmin(DistrictScopedAdmin):
    district_paths = ("district_id",)
    list_display = ("code", "title", "subject", "school")
    list_filter = ("subject", "school")
    filter_horizontal = ("frameworks",)


class EnrollmentInline(DistrictScopedInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ("student", "staff")


@admin.register(Section)
class SectionAdmin(DistrictScopedAdmin):
    district_paths = ("school__district_id",)
    list_display = ("title", "course", "school", "session")
    list_filter = ("school", "session")
    search_fields = ("title", "source_id")
    inlines = [EnrollmentInline]

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "linli.courses"
    label = "courses"

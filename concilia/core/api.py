from rest_framework.permissions import BasePermission


class RegisterPermission(BasePermission):
    pass

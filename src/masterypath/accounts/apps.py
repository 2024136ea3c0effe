from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masterypath.accounts"
    label = "accounts"
    verbose_name = "Accounts"

from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "shuniu.petitions"
    label = "petitions"
    verbose_name = "信访接待"

    def ready(self) -> None:
        from shuniu.audit.vocabulary import register

        register(
            {
                "petition.register": "信访登记",
                "petitioner.reveal": "查看信访人完整个人信息",
                "petitioner.complete": "补全信访人姓名或住址",
            }
        )

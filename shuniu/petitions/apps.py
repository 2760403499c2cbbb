from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "shuniu.petitions"
    label = "petitions"
    verbose_name = "信访接待"

    def ready(self) -> None:
        from shuniu.petitions import searchable

        searchable.kinds()
        from shuniu.audit.vocabulary import register

        register(
            {
                "petition.register": "信访登记",
                "petitioner.reveal": "查看信访人完整个人信息",
                "petitioner.complete": "补全信访人姓名或住址",
                "petition.lead": "登记包案领导",
                "petition.ask_leader": "呈领导批示",
                "petition.instruct": "领导批示",
                "petition.supervision_opened": "信访批示转督办",
                "petition.flag": "记录信访秩序情况",
                "petition.contact": "记录与信访局、乡镇联系",
                "petition.recuse": "登记回避",
            }
        )

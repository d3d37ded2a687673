"""`gongkai demo`: load the demo county (青山县) and print the demo logins."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai.core.models import Role
from gongkai.demo.loader import DemoRefused, load_demo


class Command(BaseCommand):
    help = "载入演示县（青山县）数据并打印演示账号；可重复运行；拒绝载入到已有非演示数据的数据库"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="数据库已有非演示数据时跳过（退出状态 0），供 make run 使用")
        parser.add_argument("--without-records", action="store_true",
                            help="不生成约300条演示政府信息（它们逐条走完审核流程，耗时较长）")

    def handle(self, *args, if_empty=False, without_records=False, **options):
        try:
            result = load_demo(records=not without_records)
        except DemoRefused as exc:
            if if_empty:
                self.stdout.write(f"跳过演示数据：{exc}")
                return
            raise CommandError(str(exc)) from None
        if result.created_bodies or result.created_users or result.created_records:
            self.stdout.write(f"已载入演示数据：新增机构 {result.created_bodies} 个，人员 {result.created_users} 名，"
                              f"政府信息 {result.created_records} 条")
        else:
            self.stdout.write("演示数据已存在，无需重复载入")
        self.stdout.write(f"\n演示账号（密码均为 {settings.GONGKAI_DEMO_PASSWORD}），登录 /admin/：")
        labels = dict(Role.choices)
        for username, name, role, body in result.logins:
            self.stdout.write(f"  {username:10} {name:6} {str(labels.get(role, '平台超级管理员')):10} {body}")
        if settings.GONGKAI_OTP_ENFORCE:  # Security (issue 13): two-factor authentication
            self.stdout.write("公开办管理员和平台超级管理员首次登录后须用手机验证器应用扫码绑定双因素认证，"
                              "并保存页面显示的恢复码。")

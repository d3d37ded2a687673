"""Wagtail's `publish_scheduled`, overridden: Wagtail's command would publish government-information
records without our audit log or search index. Deployments that follow Wagtail's documentation and
run `gongkai publish_scheduled` from cron therefore get the same as `gongkai disclosure
publish-scheduled` (records through the publication service, then Wagtail's pages)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongkai.disclosure.management.commands.disclosure import Command as DisclosureCommand


class Command(BaseCommand):
    help = "发布到时的定时发布内容（政府信息经发布服务记录审计日志并更新检索）；同 gongkai disclosure publish-scheduled"

    def add_arguments(self, parser):
        parser.add_argument("--dryrun", "--dry-run", action="store_true", dest="dry_run",
                            help="只列出到时的项目，不发布")

    def handle(self, *args, dry_run=False, **options):
        command = DisclosureCommand(stdout=self.stdout, stderr=self.stderr)
        command.do_publish_scheduled(dry_run=dry_run)

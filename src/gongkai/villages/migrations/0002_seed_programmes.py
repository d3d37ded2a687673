"""Seed the common subsidy programmes (issue 7 §2). The county edits, adds or deactivates them; the
policy basis names the national document, and the county adds its own implementing documents."""

from django.db import migrations

PROGRAMMES = [
    ("耕地地力保护补贴", "agriculture",
     "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）及本省、本县年度实施方案",
     "按确权承包耕地面积 × 每亩补贴标准计算"),
    ("农机购置补贴", "agriculture", "《中华人民共和国农业机械化促进法》及年度农机购置与应用补贴实施方案",
     "按补贴机具目录和补贴额一览表执行"),
    ("生态公益林补偿", "agriculture", "《中华人民共和国森林法》及森林生态效益补偿有关规定",
     "按公益林面积 × 每亩补偿标准计算"),
    ("退耕还林补助", "agriculture", "《退耕还林条例》及新一轮退耕还林还草有关政策", "按退耕面积 × 补助标准计算"),
    ("城乡低保", "assistance", "《社会救助暂行办法》第二章 最低生活保障", "按保障对象差额发放"),
    ("特困供养", "assistance",
     "《社会救助暂行办法》第三章 特困人员供养；《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）",
     "按基本生活标准和照料护理标准发放"),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("gongkai_villages", "SubsidyProgramme")
    for position, (name, category, basis, standard) in enumerate(PROGRAMMES, start=1):
        Programme.objects.get_or_create(name=name, defaults={
            "category": category, "policy_basis": basis, "standard_text": standard, "position": position})


class Migration(migrations.Migration):
    dependencies = [("gongkai_villages", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

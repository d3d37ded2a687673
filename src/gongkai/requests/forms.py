"""The public forms of 依申请公开: the online application (条例第二十九条) and the status lookup.

Forms only parse and present; ``services.cases.submit_online`` validates and writes. Errors are tied
to their inputs with ``aria-describedby`` (help text and error ids), radio groups sit in fieldsets
whose legends name them.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from gongkai.requests.models import DeliveryMethod, IdDocumentType, PreferredForm
from gongkai.requests.services.cases import MAX_UPLOAD_BYTES
from gongkai.rules.dispositions import ApplicantType, ReceiptChannel

NATURAL, ORGANISATION = "natural", "organisation"
ORG_TYPES = [(t.value, t.label) for t in ApplicantType if t is not ApplicantType.NATURAL_PERSON]
RADIO_FIELDS = ("applicant_kind", "preferred_form", "delivery_method")


class DescribedForm(forms.Form):
    """Adds ``aria-describedby`` (help text, then error) and ``aria-invalid`` to each input."""

    def describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if name in RADIO_FIELDS:  # radio groups are described on their fieldset (radios.html)
                setattr(self, f"{name}_describedby", " ".join(ids))
            elif ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class ApplicationForm(DescribedForm):
    applicant_kind = forms.ChoiceField(
        label="申请人类型", widget=forms.RadioSelect,
        choices=[(NATURAL, "自然人（公民个人）"), (ORGANISATION, "法人或者其他组织")],
        error_messages={"required": "请选择申请人类型"})
    org_type = forms.ChoiceField(label="组织类型", required=False, choices=[("", "请选择")] + ORG_TYPES,
                                 help_text="以法人或者其他组织名义申请的，请选择组织类型。")
    name = forms.CharField(label="申请人姓名（组织申请的填写法定代表人或负责人姓名）", max_length=100, required=False)
    organisation = forms.CharField(label="法人或者其他组织名称", max_length=200, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    id_type = forms.ChoiceField(label="证件类型", choices=IdDocumentType.choices, initial=IdDocumentType.RESIDENT_ID)
    id_number = forms.CharField(label="证件号码", max_length=40, error_messages={"required": "请填写证件号码"},
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    id_document = forms.FileField(
        label="身份证明材料", required=False,
        help_text=f"可选。PDF、JPG 或 PNG 文件，不超过{MAX_UPLOAD_BYTES // (1024 * 1024)}MB；"
                  "提交后仅受理机关的承办人员可以查看。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    email = forms.CharField(label="电子邮箱", max_length=254, required=False,
                            widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email"}))
    address = forms.CharField(label="通信地址", max_length=200, required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}))
    body = forms.ChoiceField(label="受理机关", error_messages={"required": "请选择受理申请的行政机关",
                                                             "invalid_choice": "请选择受理申请的行政机关"},
                             help_text="请选择制作或者保存该政府信息的行政机关。")
    subject = forms.CharField(label="所需政府信息的名称", max_length=300,
                              error_messages={"required": "请填写所需政府信息的名称、文号或者描述"})
    description = forms.CharField(label="文号或者便于查询的特征性描述", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="如文件的文号、发布时间、制作机关，或者信息涉及的事项、时间、地点。")
    preferred_form = forms.ChoiceField(label="获取信息的载体形式", widget=forms.RadioSelect,
                                       choices=PreferredForm.choices, initial=PreferredForm.ELECTRONIC)
    delivery_method = forms.ChoiceField(label="获取信息的方式", widget=forms.RadioSelect,
                                        choices=DeliveryMethod.choices, initial=DeliveryMethod.EMAIL)
    nonce = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "请选择")] + [(b.code, b.name) for b in bodies]
        self.bodies = {b.code: b for b in bodies}

    def clean_id_document(self):
        upload = self.cleaned_data.get("id_document")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("身份证明材料不能超过10MB")
        return upload

    def clean(self):
        """Report every missing required item at once. The service checks these again (with the
        formats); without them here an applicant fixing the first errors met a second round."""
        data = super().clean()
        organisation = data.get("applicant_kind") == ORGANISATION
        if organisation and not data.get("org_type"):
            self.add_error("org_type", "请选择组织类型")
        if organisation and not (data.get("organisation") or "").strip():
            self.add_error("organisation", "请填写法人或其他组织名称")
        if not organisation and not (data.get("name") or "").strip():
            self.add_error("name", "请填写申请人姓名")
        if not any((data.get(k) or "").strip() for k in ("phone", "email", "address")) and "phone" not in self.errors:
            self.add_error("phone", "请至少填写联系电话、电子邮箱或通信地址中的一项")
        return data

    @property
    def applicant_type(self) -> str:
        if self.cleaned_data.get("applicant_kind") == ORGANISATION:
            return self.cleaned_data.get("org_type") or ApplicantType.OTHER_ORG.value
        return ApplicantType.NATURAL_PERSON.value

    def applicant(self) -> dict:
        keys = ("name", "organisation", "credit_code", "id_type", "id_number", "contact_name", "phone", "email",
                "address", "postcode")
        data = {k: self.cleaned_data.get(k) or "" for k in keys}
        if self.cleaned_data.get("applicant_kind") != ORGANISATION:
            data["organisation"] = data["credit_code"] = ""
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a ServiceError's messages beside their fields (unknown keys above the form)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            key = {"applicant_type": "org_type", "channel": None, "arrived_at": None, "confirmed_on": None}.get(
                key, key)
            self.add_error(key if key in self.fields else None, errors)


class IntakeForm(ApplicationForm):
    """Staff record an application that arrived in person, by post, by ordinary letter, by fax or
    online elsewhere (``services.cases.register``): the channel, when it arrived and, where the
    receipt date is a day of confirmation with the applicant, that day (条例第三十一条). The identity
    number is optional here: a letter may lack it (the service decides)."""

    channel = forms.ChoiceField(label="申请方式", choices=[("", "请选择")] + [(c.value, c.label) for c in ReceiptChannel],
                                error_messages={"required": "请选择申请方式", "invalid_choice": "请选择申请方式"})
    arrived_at = forms.DateTimeField(
        label="申请到达时间", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="当面提交的填提交时间，邮寄的填签收时间，平常信函、传真和其他网上渠道的填到达时间。",
        error_messages={"required": "请填写申请到达时间", "invalid": "申请到达时间格式应为 YYYY-MM-DD HH:MM"})
    confirmed_on = forms.DateField(
        label="与申请人确认之日", required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="平常信函、传真和其他网上渠道提交的，以与申请人确认之日为收到申请之日（条例第三十一条）。",
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    id_number = forms.CharField(label="证件号码", max_length=40, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            key = "org_type" if key == "applicant_type" else key
            self.add_error(key if key in self.fields else None, errors)


class StatusForm(DescribedForm):
    code = forms.CharField(label="查询码", max_length=20, help_text="提交申请时回执上的查询码，如 2026-7KQ9M2XD。",
                           error_messages={"required": "请填写查询码"},
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    digits = forms.CharField(label="证件号码或联系电话的后4位", max_length=4, min_length=4,
                             error_messages={"required": "请填写证件号码或联系电话的后4位",
                                             "min_length": "请填写4位", "max_length": "请填写4位"},
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))

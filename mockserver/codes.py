"""The business-code table of userPwdReset: the one place the mock reads codes and messages from.

The codes are carried in the JSON body, never as HTTP statuses. The Chinese texts are the
document's; the English ones are those of the English version of the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Code(IntEnum):
    """Every business code the endpoint answers."""

    OK = 200
    PHONE_NOT_REGISTERED = 5004
    USER_DOMAIN_FORMAT = 5013
    USER_DOMAIN_UNKNOWN = 5015
    PHONE_FORMAT = 5019
    USER_DOMAIN_MISSING = 5023
    EMAIL_NOT_REGISTERED = 5031
    CODE_REJECTED = 5037
    PHONE_OR_EMAIL_MISSING = 5044
    PASSWORD_FORMAT = 5056
    CODE_MISSING = 5064
    USER_DOMAIN_DISABLED = 5104


@dataclass(frozen=True, kw_only=True)
class Message:
    """The text of one business code in each language the service speaks."""

    zh: str
    en: str


MESSAGES: dict[Code, Message] = {
    Code.OK: Message(zh="用户密码重置成功", en="User password reset successful"),
    Code.PHONE_NOT_REGISTERED: Message(zh="手机号未注册", en="Phone number not registered"),
    Code.USER_DOMAIN_FORMAT: Message(zh="用户域格式不正确", en="User domain format incorrect"),
    Code.USER_DOMAIN_UNKNOWN: Message(zh="用户域不存在", en="User domain does not exist"),
    Code.PHONE_FORMAT: Message(zh="手机号格式不正确", en="Phone number format incorrect"),
    Code.USER_DOMAIN_MISSING: Message(zh="请输入用户域", en="Please enter user domain"),
    Code.EMAIL_NOT_REGISTERED: Message(zh="邮箱未注册", en="Email not registered"),
    Code.CODE_REJECTED: Message(
        zh="短信验证码验证失败", en="SMS verification code verification failed"
    ),
    Code.PHONE_OR_EMAIL_MISSING: Message(
        zh="请输入手机号或者邮箱", en="Please enter phone number or email"
    ),
    Code.PASSWORD_FORMAT: Message(
        zh="密码格式不正确，请输入 6-20 位字母、数字或特殊字符",
        en=(
            "Password format incorrect, please enter 6-20 characters including letters, "
            "numbers, or special characters"
        ),
    ),
    Code.CODE_MISSING: Message(zh="请输入验证码", en="Please enter verification code"),
    Code.USER_DOMAIN_DISABLED: Message(zh="用户域已停用", en="User domain has been disabled"),
}


def message(code: Code, language: str) -> str:
    """Return the text of `code` in `language` ("zh" or "en")."""
    texts = MESSAGES[code]
    return texts.en if language == "en" else texts.zh

"""The privacy notices (GDPR art. 13 and 14): one per purpose for which Concilia handles personal data.

Each :class:`Notice` is the plain-language text of one purpose: who decides about the data (the
controller, described generically: every desk, registry and survey belongs to an organisation of
the network register), which data, why, on which legal basis, who sees them, how long they are kept
and how to exercise one's rights. The retention periods are not written here: each notice names its
key of ``settings.CONCILIA_RETENTION_DAYS``, the same figure ``concilia apply_retention`` applies, so
the page and the deletion cannot disagree.

The pages are ``/privacy/`` (:data:`NOTICES`, in this order) and ``/privacy/<slug>/``
(``portal:privacy_index``, ``portal:privacy_notice``); every form that collects personal data links
its notice (:func:`notice_link` for the labels and help texts written in Python).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

GARANTE_URL = "https://www.garanteprivacy.it"

# The rights of every notice (art. 15-18 and 21 GDPR, and art. 77 for the complaint, which the page
# states with the Garante's address).
RIGHTS: tuple[Promise, ...] = (
    gettext_lazy("see the data about you and receive a copy of them (access, art. 15);"),
    gettext_lazy("have wrong or incomplete data corrected (rectification, art. 16);"),
    gettext_lazy("have your data erased when they are no longer needed or were handled unlawfully (erasure, art. 17);"),
    gettext_lazy("have the use of your data limited while a request of yours is being checked (restriction, art. 18);"),
    gettext_lazy(
        "object, for reasons related to your particular situation, to the use of your data (objection, art. 21)."
    ),
)
EXERCISE = gettext_lazy(
    "Write to the controller, the organisation described above (its contacts are on the page of the network's "
    "contacts, and every public body also has a data protection officer you may write to). You do not have to "
    "give reasons, and the answer is free and comes within one month. The staff who hold your data can export "
    "everything about you in one file and send it to you."
)


@dataclass(frozen=True)
class Notice:
    """The notice of one purpose. ``retention`` (the text) reads its number of days from the settings."""

    slug: str
    """The Italian part of the address: ``/privacy/<slug>/``."""
    title: Promise
    summary: Promise
    """One sentence for the index: whom the notice is for."""
    articles: Promise
    """Which articles of the GDPR the notice fulfils (13: data given by the person; 14: data recorded by others)."""
    controller: Promise
    data: tuple[Promise, ...]
    purpose: Promise
    legal_basis: Promise
    recipients: tuple[Promise, ...]
    retention_key: str
    """The key of ``settings.CONCILIA_RETENTION_DAYS``."""
    retention_text: Promise
    """An ``ngettext_lazy`` text with ``%(days)d``: the period, for a number of days."""
    retention_note: Promise | str = ""
    """What is kept until the retention period starts (e.g. while a listing is valid)."""
    not_collected: tuple[Promise, ...] = ()
    source: Promise | str = ""
    """Where the data come from, when not (only) from the person (art. 14.2.f)."""
    special_categories: Promise | str = ""
    """Health and other special categories (art. 9), when they may occur."""
    obligation: Promise | str = ""
    """Whether giving the data is required, and what happens if one does not (art. 13.2.e)."""
    rights: tuple[Promise, ...] = RIGHTS
    rights_note: Promise | str = ""
    """What is particular about the rights for this purpose (anonymous answers cannot be found, say)."""
    exercise: Promise = EXERCISE

    @property
    def retention_days(self) -> int:
        return int(settings.CONCILIA_RETENTION_DAYS[self.retention_key])

    @property
    def retention(self) -> str:
        return self.retention_text % {"days": self.retention_days}

    def get_absolute_url(self) -> str:
        return reverse("portal:privacy_notice", args=[self.slug])


HELPDESK_APPOINTMENT = "prenotazione-sportelli"
HELPDESK_CASE = "colloqui-sportelli"
REGISTRY_ENROLMENT = "iscrizione-elenco-babysitter"
REGISTRY_CONTACT = "messaggi-babysitter"
WORKPLACE_SURVEY = "questionari-anonimi"
ACCOUNTS = "account-personale"
CITIZEN_ACCOUNTS = "account-cittadini"

_PUBLIC_TASK = gettext_lazy(
    "Carrying out a task in the public interest entrusted to the controller by law (art. 6(1)(e) GDPR): the "
    "regional and local rules on work-life balance networks and on social services for families."
)
_PROCESSORS = gettext_lazy(
    "The companies that host Concilia and deliver its e-mails, bound by contract to act only on the controller's "
    "instructions (processors, art. 28 GDPR)."
)
_NO_TRANSFER = gettext_lazy("No data are sent outside the European Union, and no decision is taken by a machine alone.")

NOTICES: tuple[Notice, ...] = (
    Notice(
        slug=HELPDESK_APPOINTMENT,
        title=gettext_lazy("Booking an appointment at a help desk"),
        summary=gettext_lazy(
            "For whoever books an appointment at a family–work help desk, on its page or through the API."
        ),
        articles=gettext_lazy("Article 13 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that runs the help desk you book with (a municipality, a health agency or another "
            "member of the network): its name is on the desk's page, under “Run by”."
        ),
        data=(
            gettext_lazy("your first name and last name, e-mail address and, if you give it, phone number;"),
            gettext_lazy("the day and time you choose and what the appointment is about;"),
            gettext_lazy("the message for the desk, if you write one;"),
            gettext_lazy("whether you came to the appointment or cancelled it."),
        ),
        purpose=gettext_lazy(
            "To book your appointment, send you the confirmation, the reminder and the link to cancel it, and "
            "receive you at the desk. The desk's statistics count appointments without names."
        ),
        legal_basis=_PUBLIC_TASK,
        obligation=gettext_lazy(
            "Name and e-mail are needed to book on line; if you prefer not to give them, call the desk or come "
            "during its opening hours."
        ),
        recipients=(
            gettext_lazy(
                "The operators of the desk you booked with, and the platform's administrators when maintenance needs "
                "it. The network's coordinators see only the statistics, never names."
            ),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="helpdesk_appointment",
        retention_text=ngettext_lazy(
            "Your details are erased %(days)d day after the day of the appointment; only the figures for the "
            "statistics remain, with no name.",
            "Your details are erased %(days)d days after the day of the appointment; only the figures for the "
            "statistics remain, with no name.",
            "days",
        ),
    ),
    Notice(
        slug=HELPDESK_CASE,
        title=gettext_lazy("Talking to a help desk"),
        summary=gettext_lazy("For whoever asks a family–work help desk for help: what the operator writes down."),
        articles=gettext_lazy("Articles 13 and 14 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that runs the help desk you talk to (a municipality, a health agency or another "
            "member of the network)."
        ),
        source=gettext_lazy(
            "You do not fill in a form: the operator writes down what you say, in person, by phone or by e-mail, or "
            "starts from the appointment you booked. You may also stay anonymous: then no personal data is kept."
        ),
        data=(
            gettext_lazy("your first name and last name, e-mail address, phone number and municipality of residence;"),
            gettext_lazy(
                "what you need (childcare, care of a relative, working hours…), what was done, the referrals and the follow-up;"
            ),
            gettext_lazy("a short description written by the operator."),
        ),
        special_categories=gettext_lazy(
            "Sometimes the help you ask for involves health (caring for a disabled or ill relative, say). The "
            "operator writes it down only when needed for the help you asked for, and only what is needed. Such data "
            "are handled for reasons of substantial public interest in social assistance (art. 9(2)(g) GDPR and "
            "art. 2-sexies of the Italian Data Protection Code) or, when the desk provides social care, under "
            "art. 9(2)(h) GDPR, by staff bound to professional secrecy."
        ),
        purpose=gettext_lazy(
            "To help you: give you information, refer you to a service or another body, and follow up on your "
            "request. The desk's and the network's statistics count contacts and needs without names."
        ),
        legal_basis=_PUBLIC_TASK,
        recipients=(
            gettext_lazy(
                "The operators of the desk, and the platform's administrators when maintenance needs it. The "
                "network's coordinators see only the statistics, never names or descriptions."
            ),
            gettext_lazy(
                "The service or body the desk refers you to, only with your agreement and only what it needs."
            ),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="helpdesk_case",
        retention_text=ngettext_lazy(
            "Your details and the description are erased %(days)d day after your case is closed; only the figures "
            "for the statistics remain, with no name.",
            "Your details and the description are erased %(days)d days after your case is closed; only the figures "
            "for the statistics remain, with no name.",
            "days",
        ),
    ),
    Notice(
        slug=REGISTRY_ENROLMENT,
        title=gettext_lazy("Applying to the babysitter registry"),
        summary=gettext_lazy("For babysitters who apply to be listed in a registry, and for those listed."),
        articles=gettext_lazy("Article 13 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that keeps the registry you apply to (named on the application form), for the network "
            "the registry belongs to."
        ),
        data=(
            gettext_lazy("first name, last name, tax code, date of birth, e-mail address and phone number;"),
            gettext_lazy(
                "municipality of residence, citizenship and, for citizens of countries outside the EU, the residence permit;"
            ),
            gettext_lazy("course attended, hours, exam and paediatric first-aid certificate;"),
            gettext_lazy("your declaration that you have no criminal record;"),
            gettext_lazy(
                "areas, weekly availability, languages, vouchers accepted, experience and the presentation you write."
            ),
        ),
        special_categories=gettext_lazy(
            "The declaration about criminal records is a self-declaration under Presidential Decree 445/2000, "
            "required by the registry's rules; it is handled only as the law allows (art. 10 GDPR and art. "
            "2-octies of the Italian Data Protection Code) and may be checked with the public records."
        ),
        purpose=gettext_lazy(
            "To check your application, list you, renew or suspend the listing, and show families the public part "
            "of your profile: first name, areas, availability, languages, qualifications and presentation — never "
            "your last name or contacts."
        ),
        legal_basis=_PUBLIC_TASK,
        obligation=gettext_lazy(
            "The data of the form are needed to check the requirements of the registry: without them you cannot be "
            "listed. The presentation and the languages are optional."
        ),
        recipients=(
            gettext_lazy("The operators of the registry and the coordinators of its network."),
            gettext_lazy("Families, only for the public part of the profile listed above."),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="registry_babysitter",
        retention_note=gettext_lazy("While you are listed, your data are kept for the listing."),
        retention_text=ngettext_lazy(
            "If your application is rejected or your listing expires, your personal data are erased %(days)d day "
            "after the last change; only the figures for the statistics remain.",
            "If your application is rejected or your listing expires, your personal data are erased %(days)d days "
            "after the last change; only the figures for the statistics remain.",
            "days",
        ),
    ),
    Notice(
        slug=REGISTRY_CONTACT,
        title=gettext_lazy("Writing to a babysitter"),
        summary=gettext_lazy("For families who write to a babysitter of the registry through the platform."),
        articles=gettext_lazy("Article 13 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that keeps the registry the babysitter is listed in (named on the babysitter's page)."
        ),
        data=(
            gettext_lazy("your name, e-mail address and, if you give it, phone number;"),
            gettext_lazy("your message and when you sent it."),
        ),
        purpose=gettext_lazy(
            "To forward your message by e-mail to the babysitter, who answers you directly, without publishing the "
            "babysitter's contacts; and to protect the registry from abuse."
        ),
        legal_basis=_PUBLIC_TASK,
        obligation=gettext_lazy("Without your name and e-mail the babysitter could not answer you."),
        recipients=(
            gettext_lazy("The babysitter you write to, who receives your message, name, e-mail and phone."),
            gettext_lazy("The operators of the registry, who may read the messages to prevent abuse."),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="registry_contact",
        retention_text=ngettext_lazy(
            "The copy of your message kept by the platform is erased %(days)d day after it was sent. What the "
            "babysitter does with the e-mail received is up to the babysitter.",
            "The copy of your message kept by the platform is erased %(days)d days after it was sent. What the "
            "babysitter does with the e-mail received is up to the babysitter.",
            "days",
        ),
    ),
    Notice(
        slug=WORKPLACE_SURVEY,
        title=gettext_lazy("Anonymous surveys of workers"),
        summary=gettext_lazy("For workers who answer a survey about their work–life needs."),
        articles=gettext_lazy("Article 13 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that runs the survey (named on the survey's page), with your employer, which hands "
            "out the personal codes."
        ),
        data=(
            gettext_lazy("your answers, with the day (not the time) they were sent;"),
            gettext_lazy(
                "the personal code you use to answer, kept only as a digest (a fingerprint from which the code "
                "cannot be read back), so that each code answers once."
            ),
        ),
        not_collected=(
            gettext_lazy("your name, e-mail or any account: you answer without logging in;"),
            gettext_lazy("your internet address, your device or the time you answered;"),
            gettext_lazy("which code was given to whom: the list of codes stays with your employer."),
        ),
        purpose=gettext_lazy(
            "To learn what workers need to balance work and family life and plan measures for them. Results are "
            "shown only in totals of at least 5 people, so that nobody can be recognised."
        ),
        legal_basis=gettext_lazy(
            "Answering is voluntary: you decide whether to answer, and which optional questions. The answers are "
            "anonymous. The personal codes are handled to carry out the public task of the network (art. 6(1)(e) "
            "GDPR) or, for a survey run by a company, its legitimate interest in knowing its workers' needs "
            "(art. 6(1)(f) GDPR)."
        ),
        obligation=gettext_lazy("Nothing happens to you if you do not answer: nobody can see who answered."),
        recipients=(
            gettext_lazy(
                "The organisation running the survey, your employer and the network's coordinators see only the "
                "totals of at least 5 people."
            ),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="workplace_codes",
        retention_note=gettext_lazy("The anonymous answers are kept for the statistics."),
        retention_text=ngettext_lazy(
            "%(days)d day after the survey closes, the unused personal codes are deleted and the used ones are "
            "replaced by random values, so that no answer can be tied to the list of codes any more.",
            "%(days)d days after the survey closes, the unused personal codes are deleted and the used ones are "
            "replaced by random values, so that no answer can be tied to the list of codes any more.",
            "days",
        ),
        rights_note=gettext_lazy(
            "Since your answers cannot be tied to you, they cannot be found, shown, corrected or erased one by one "
            "(art. 11 GDPR). Your rights apply in full to any other data about you."
        ),
    ),
    Notice(
        slug=ACCOUNTS,
        title=gettext_lazy("Staff accounts"),
        summary=gettext_lazy("For the staff of the network's organisations who log in to Concilia."),
        articles=gettext_lazy("Article 13 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that runs this Concilia installation for the network (usually the network's "
            "coordinator), together with the organisation you work for, which asks for your account."
        ),
        data=(
            gettext_lazy("your name, user name, e-mail address, organisation and roles;"),
            gettext_lazy("your password, kept only in a form from which it cannot be read back;"),
            gettext_lazy("the changes you make to the records, with when (their history);"),
            gettext_lazy("log-in attempts: user name, internet address, browser and time."),
        ),
        purpose=gettext_lazy(
            "To let you work in Concilia with the permissions of your role, keep a record of who changed what, "
            "reset a forgotten password, and protect accounts from password guessing."
        ),
        legal_basis=gettext_lazy(
            "Carrying out the public task of the network (art. 6(1)(e) GDPR), including keeping its data secure "
            "(art. 32 GDPR)."
        ),
        recipients=(
            gettext_lazy("The administrators of the platform and of your organisation."),
            gettext_lazy(
                "Other users see your name next to the records you worked on, where their role lets them see those records."
            ),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="login_attempts",
        retention_note=gettext_lazy(
            "Your account is kept while you work with the network and closed when your organisation asks. The history "
            "of the records you changed keeps your name for as long as those records are kept."
        ),
        retention_text=ngettext_lazy(
            "Log-in attempts are erased %(days)d day after the attempt.",
            "Log-in attempts are erased %(days)d days after the attempt.",
            "days",
        ),
    ),
    Notice(
        slug=CITIZEN_ACCOUNTS,
        title=gettext_lazy("Citizen accounts"),
        summary=gettext_lazy(
            "For families and workers who open an account, with SPID, CIE or an e-mail address and a password."
        ),
        articles=gettext_lazy("Article 13 of Regulation (EU) 2016/679 (GDPR)"),
        controller=gettext_lazy(
            "The organisation that runs this Concilia installation for the network (usually the network's coordinator)."
        ),
        data=(
            gettext_lazy("your name and e-mail address;"),
            gettext_lazy(
                "with SPID or CIE: the identifier the identity provider gives you and the tax code it certifies "
                "(no other data of your digital identity are asked for);"
            ),
            gettext_lazy(
                "with an e-mail address: your password, kept only in a form from which it cannot be read back;"
            ),
            gettext_lazy("when you confirmed your address and accepted this notice;"),
            gettext_lazy("log-in attempts: user name, internet address, browser and time."),
        ),
        purpose=gettext_lazy(
            "To let you sign in to your personal area, recognise you at every login through the identity that "
            "SPID or CIE certify, write to you about your account, and protect it from password guessing."
        ),
        legal_basis=gettext_lazy(
            "Carrying out the public task of the network (art. 6(1)(e) GDPR), including keeping its data secure "
            "(art. 32 GDPR)."
        ),
        recipients=(
            gettext_lazy("The administrators of the platform."),
            gettext_lazy("No other user sees your account."),
            _PROCESSORS,
            _NO_TRANSFER,
        ),
        retention_key="citizen_unverified",
        retention_note=gettext_lazy(
            "Your account is kept until you ask to close it. Log-in attempts are erased as stated in the notice on "
            "staff accounts."
        ),
        retention_text=ngettext_lazy(
            "A registration whose e-mail address is not confirmed is deleted %(days)d day after it was made.",
            "A registration whose e-mail address is not confirmed is deleted %(days)d days after it was made.",
            "days",
        ),
        obligation=gettext_lazy(
            "Giving these data is needed to open an account; without one you can still search the catalogue, plan "
            "your week, find a babysitter and book a help desk."
        ),
    ),
)

_BY_SLUG = {notice.slug: notice for notice in NOTICES}


def notice_for(slug: str) -> Notice | None:
    return _BY_SLUG.get(slug)


def _notice_link(slug: str, text: str | Promise | None = None) -> SafeString:
    if slug not in _BY_SLUG:
        raise ValueError(f"No privacy notice {slug!r}")
    url = reverse("portal:privacy_notice", args=[slug])
    return format_html('<a href="{}">{}</a>', url, text if text is not None else _("Read the privacy notice"))


notice_link = lazy(_notice_link, SafeString)
"""``notice_link(slug, text=None)``: a link to the notice ``slug``, safe HTML, lazy (for form labels and help texts).

Lazy so that it can be a class attribute of a form: the URL is resolved and the text translated when
the form is shown, in the visitor's language.
"""

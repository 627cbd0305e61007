"""Italian identifiers, validated with python-stdnum; messages in the user's language."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva


def clean_tax_code(value: str) -> str:
    """Normalise and validate a codice fiscale: 16 characters (person) or 11 digits (legal entity)."""
    value = codicefiscale.compact(value or "")
    if not value:
        return ""
    if len(value) == 11:
        if not iva.is_valid(value):
            raise ValidationError(
                _("“%(value)s” is not a valid tax code: the check digit does not match."),
                code="invalid_tax_code",
                params={"value": value},
            )
        return value
    if len(value) != 16 or not codicefiscale.is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid tax code: it must be 16 characters (person) or 11 digits (organisation)."),
            code="invalid_tax_code",
            params={"value": value},
        )
    return value


def clean_vat_number(value: str) -> str:
    """Normalise and validate an Italian VAT number (partita IVA, 11 digits, optional ``IT`` prefix)."""
    value = iva.compact(value or "")
    if value.upper().startswith("IT"):
        value = value[2:]
    if not value:
        return ""
    if not iva.is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid VAT number: it must be 11 digits with a correct check digit."),
            code="invalid_vat_number",
            params={"value": value},
        )
    return value


def validate_tax_code(value: str) -> None:
    clean_tax_code(value)


def validate_vat_number(value: str) -> None:
    clean_vat_number(value)


def validate_pdf(upload) -> None:  # type: ignore[no-untyped-def]
    """Accept only PDF files (checked by their first bytes, not their name)."""
    if not upload:
        return
    pos = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(pos)
    if head != b"%PDF-":
        raise ValidationError(_("The document must be a PDF file."), code="not_pdf")

"""What a finished form becomes: a summary to confirm, a PDF laid out like the official template,
the same data as JSON for the one-stop system adapter, and a short text for SMS."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from forms.spec import FormSpec
from forms.words import date_in_words

FONT_DIR_PACKAGE = "matplotlib"  # ships DejaVu Sans, which covers every Vietnamese glyph


def display(value: Any) -> str:
    return "(không có)" if value in ("", None) else str(value)


def summary_text(spec: FormSpec, values: Dict[str, Any]) -> str:
    lines = [f"Mình tóm tắt {spec.short_title.lower()} để bạn kiểm tra:"]
    for section in spec.sections:
        lines.append(f"\n{section.title.upper()}")
        for f in section.fields:
            lines.append(f"• {f.label}: {display(values.get(f.slot))}")
    return "\n".join(lines)


def sms_text(spec: FormSpec, values: Dict[str, Any], code: str) -> str:
    """A few lines for SMS: which form, whose, the reference code; no identification numbers."""
    signer = values.get(spec.signer) or ""
    names = [values.get(f.slot) for f in spec.fields if f.attr == "name" and values.get(f.slot)]
    subject = names[1] if spec.id == "khai_sinh" and len(names) > 1 else signer
    return (
        f"{spec.short_title} của {subject} đã sẵn sàng, mã {code}. "
        f"In tờ khai tại bộ phận một cửa bằng mã này hoặc mở liên kết trên web chat."
    )


def font_path(bold: bool = False) -> Path:
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def render_pdf(spec: FormSpec, values: Dict[str, Any], path: Path, today: Optional[dt.date] = None) -> Path:
    """A4 PDF with the template's header, title, fields in order with dotted leaders, the declaration
    and the signature block."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    today = today or dt.date.today()
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 12, 20)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font("DejaVu", "", str(font_path()))
    pdf.add_font("DejaVu", "B", str(font_path(bold=True)))
    pdf.set_title(spec.title)
    pdf.set_creator("Trợ lý dịch vụ công")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    nl = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    if spec.form_code:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(width, 5, spec.form_code, align="R", **nl)
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(width, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", **nl)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width, 6, "Độc lập - Tự do - Hạnh phúc", align="C", **nl)
    pdf.cell(width, 3, "", **nl)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 8, spec.title, align="C", **nl)
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 11)
    addressee = display(values.get(spec.addressee_slot)) if spec.addressee_slot else spec.addressee
    if addressee:
        pdf.multi_cell(width, 6, f"Kính gửi: {addressee}", align="C", **nl)
        pdf.ln(2)

    for section in spec.sections:
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(width, 6.2, section.title, **nl)
        pdf.set_font("DejaVu", "", 11)
        for f in section.fields:
            if f.slot == spec.addressee_slot:
                continue
            value = display(values.get(f.slot))
            label = f"{f.label}: "
            pdf.set_font("DejaVu", "", 11)
            label_width = pdf.get_string_width(label) + 1
            if label_width + pdf.get_string_width(value) < width - 2:
                pdf.cell(label_width, 5.6, label)
                pdf.set_font("DejaVu", "B", 11)
                pdf.cell(width - label_width, 5.6, value, **nl)
            else:
                pdf.cell(width, 5.6, label, **nl)
                pdf.set_font("DejaVu", "B", 11)
                pdf.set_x(pdf.l_margin + 8)
                pdf.multi_cell(width - 8, 5.6, value, **nl)
            words = date_in_words(values.get(f.slot)) if f.in_words else ""
            if words:
                pdf.set_font("DejaVu", "", 11)
                pdf.set_x(pdf.l_margin + 8)
                pdf.multi_cell(width - 8, 5.6, f"ghi bằng chữ: {words}", **nl)
        pdf.ln(1)

    pdf.set_font("DejaVu", "", 10.5)
    pdf.multi_cell(width, 5.5, spec.declaration, **nl)
    pdf.ln(3)
    half = width / 2
    pdf.set_font("DejaVu", "", 10.5)
    pdf.cell(width, 6, f"Làm tại: ....................., ngày {today.day:02d} tháng {today.month:02d} năm {today.year}", align="R", **nl)
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(half, 6, spec.signer_title, align="C", **nl)
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font("DejaVu", "", 9.5)
    pdf.cell(half, 5, "(Ký, ghi rõ họ, chữ đệm, tên)", align="C", **nl)
    pdf.ln(12)
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(half, 6, display(values.get(spec.signer)), align="C", **nl)
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(width, 4, f"Lập theo {spec.template} với Trợ lý dịch vụ công; người yêu cầu kiểm tra, ký trước khi nộp.", **nl)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def form_json(spec: FormSpec, values: Dict[str, Any], code: str, created: dt.datetime) -> Dict[str, Any]:
    """The data for the one-stop system adapter: by section role and field attribute, plus a flat
    list with the template's labels."""
    by_role: Dict[str, Dict[str, Any]] = {}
    fields: List[Dict[str, Any]] = []
    for f in spec.fields:
        value = values.get(f.slot)
        value = None if value == "" else value
        by_role.setdefault(f.role, {})[f.attr] = value
        fields.append({"key": f.slot, "section": f.section, "label": f.label, "value": value})
    return {
        "form": spec.id,
        "title": spec.short_title,
        "template": spec.template,
        "procedure": spec.procedure,
        "code": code,
        "created_at": created.isoformat(timespec="seconds"),
        "data": by_role,
        "fields": fields,
    }


@dataclass
class Produced:
    code: str
    pdf: Path
    json: Path


def produce(spec: FormSpec, values: Dict[str, Any], data_dir: Path, now: Optional[dt.datetime] = None) -> Produced:
    """Write the PDF and the JSON under ``data_dir/forms/`` with an unguessable name."""
    now = now or dt.datetime.now(dt.timezone.utc)
    code = f"{spec.id.upper().replace('_', '')[:4]}-{now:%y%m%d}-{secrets.token_hex(4).upper()}"
    token = secrets.token_urlsafe(12)
    folder = data_dir / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{code}-{token}"
    pdf = render_pdf(spec, values, folder / f"{base}.pdf", now.date())
    out = folder / f"{base}.json"
    out.write_text(json.dumps(form_json(spec, values, code, now), ensure_ascii=False, indent=2), encoding="utf-8")
    return Produced(code, pdf, out)

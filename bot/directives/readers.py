"""Reading the plain text of a directive file: .txt, .docx or a .pdf with a text layer.

The file's bytes decide its type (PDF magic, a zip holding word/document.xml); the name is only
a hint, so a mislabelled file is still read and an unsupported one gets a message in Vietnamese
that names what is supported. Every reader returns NFC text with "\\n" line ends.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024

FORMATS = "Chỉ đọc được tệp .txt, .docx hoặc .pdf có lớp chữ."
MSG_EMPTY = "Tệp rỗng: không có chữ nào để đọc."
MSG_BINARY = "Tệp này không phải tệp văn bản. " + FORMATS
MSG_ENCODING = "Không nhận ra bảng mã của tệp văn bản; hãy lưu lại tệp với bảng mã UTF-8."
MSG_DOC = (
    "Tệp .doc (Word 97-2003) không đọc được; hãy mở bằng Word và lưu lại thành .docx. " + FORMATS
)
MSG_IMAGE = "Tệp ảnh không đọc được chữ. " + FORMATS
MSG_ZIP = "Tệp nén này không phải tệp .docx. " + FORMATS
MSG_OTHER = "Không đọc được loại tệp này. " + FORMATS
MSG_LEGACY = (
    "Tệp dùng bảng mã cũ {name}, không phải Unicode, nên chữ tiếng Việt bị sai. Hãy chuyển mã "
    "sang Unicode (ví dụ Unikey: Công cụ → Chuyển mã) rồi gửi lại."
)


class DocumentError(ValueError):
    """A file that cannot be read as a directive; the message is Vietnamese, for the user."""


def msg_too_big(size: int) -> str:
    """The message for a file over MAX_BYTES."""
    mb = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    return f"Tệp quá lớn ({mb} MB, tối đa {MAX_BYTES // 1024 // 1024} MB)."


def msg_corrupt(kind: str) -> str:
    """The message for a .docx or .pdf that its library could not open."""
    return f"Tệp {kind} bị hỏng hoặc không đúng định dạng, không đọc được."


# Only magic numbers no text file starts with: a BMP's "BM" could open a line of prose.
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt of Office 97-2003
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".heic"}
_OTHER_EXTS = {".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".rtf", ".zip", ".rar", ".7z"}


def read_document(data: bytes, filename: str) -> str:
    """The plain text of a .txt, .docx or .pdf file's bytes."""
    if len(data) > MAX_BYTES:
        raise DocumentError(msg_too_big(len(data)))
    if not data.strip():
        raise DocumentError(MSG_EMPTY)
    ext = Path(filename).suffix.lower()
    # A PDF may have junk before its header; readers accept it within the first kilobyte.
    if b"%PDF-" in data[:1024]:
        from .pdftext import read_pdf  # pdfminer loads slowly; pay for it only on a PDF

        text = read_pdf(data)
    elif data.startswith(_ZIP_MAGIC):
        text = _read_zip(data, ext)
    elif data.startswith(b"{\\rtf"):
        raise DocumentError(MSG_OTHER)
    elif data.startswith(_OLE_MAGIC):
        raise DocumentError(MSG_DOC)
    elif data.startswith(_IMAGE_MAGIC) or ext in _IMAGE_EXTS:
        raise DocumentError(MSG_IMAGE)
    elif ext == ".pdf":
        raise DocumentError(msg_corrupt(".pdf"))
    elif ext in {".docx", ".doc"}:
        raise DocumentError(MSG_DOC if ext == ".doc" else msg_corrupt(".docx"))
    elif ext in _OTHER_EXTS:
        raise DocumentError(MSG_OTHER)
    else:
        text = decode_text(data)
    text = _tidy(text)
    if not text.strip():
        raise DocumentError(MSG_EMPTY)
    legacy = legacy_encoding(text)
    if legacy:
        raise DocumentError(MSG_LEGACY.format(name=legacy))
    return text


def read_document_file(path: Path) -> str:
    """read_document for a file on disk (size checked before reading)."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(msg_too_big(size))
    return read_document(path.read_bytes(), path.name)


def _read_zip(data: bytes, ext: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError) as e:
        raise DocumentError(msg_corrupt(".docx" if ext == ".docx" else "nén")) from e
    if "word/document.xml" not in names:
        raise DocumentError(MSG_ZIP)
    from .word import read_docx

    return read_docx(data)


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Letters only Vietnamese writes, precomposed or as cp1258's combining tone marks.
_VIETNAMESE_RE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323]")
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """The text of a plain-text file: UTF-8 or UTF-16 with a BOM, else UTF-8, else cp1258."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec))
            except UnicodeDecodeError as e:
                raise DocumentError(MSG_ENCODING) from e
    if b"\x00" in data:
        raise DocumentError(MSG_BINARY)
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    _checked(data.decode("latin-1"))  # binary without NULs shows as control characters
    # Vietnamese Windows saved "ANSI" text as cp1258; a file that decodes but shows no
    # Vietnamese letter is more likely another code page, and guessing would garble it.
    try:
        text = _checked(data.decode("cp1258"))
    except UnicodeDecodeError as e:
        raise DocumentError(MSG_ENCODING) from e
    if not _VIETNAMESE_RE.search(text):
        raise DocumentError(MSG_ENCODING)
    return text


def _checked(text: str) -> str:
    # Text files have no control characters besides line ends and tabs; binaries have many.
    if len(_CONTROL_RE.findall(text)) > max(2, len(text) // 200):
        raise DocumentError(MSG_BINARY)
    return text


_LINE_BREAKS_RE = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def _tidy(text: str) -> str:
    """NFC, "\\n" line ends, no trailing spaces, no BOM or control characters."""
    text = unicodedata.normalize("NFC", text).replace("\ufeff", "")
    text = _CONTROL_RE.sub("", _LINE_BREAKS_RE.sub("\n", text))
    # Leading blank lines stay, so that line numbers are the file's own.
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n") + "\n"


# TCVN3 (ABC, fonts .VnTime) puts "â", "đ", "ệ" on Latin-1 signs: "nh©n d©n", "ViÖt", "®Þnh";
# VNI (fonts VNI-Times) writes a vowel then a sign letter: "nhaân daân", "Vieät", "ñònh".
_TCVN3_RE = re.compile(r"(?<=[a-zA-Z])[¨©ª«¬®µ¶·¸¹ºÖÕÞ×ØÙ]|[®§](?=[a-zA-Z])")
_VNI_RE = re.compile(r"[aeoAEO][âäêôø]|[aeiouyAEIOUY][øùûõï](?![a-z]{3})|\bñ[aeioöuôy]")
_UNICODE_VI_RE = re.compile("[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def legacy_encoding(text: str) -> str | None:
    """ "TCVN3 (ABC)" or "VNI" when the text is Vietnamese typed in a legacy font encoding."""
    sample = text[:20000]
    proper = len(_UNICODE_VI_RE.findall(sample))
    for name, rx in (("TCVN3 (ABC)", _TCVN3_RE), ("VNI", _VNI_RE)):
        hits = len(rx.findall(sample))
        if hits >= 5 and hits > 2 * proper:
            return name
    return None

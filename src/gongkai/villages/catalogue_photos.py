"""Photos of the village notice board (公开栏照片), the evidence of a catalogue posting. No Django.

``prepare_photo(name, data)`` checks one upload and returns what is stored:

- type by content, not by name: JPEG, PNG or WebP (phones save HEIC when set to "高效"; Pillow cannot
  read it, so the message says how to switch the camera to JPEG);
- at most ``MAX_PHOTO_BYTES`` per photo, ``MAX_PHOTOS`` per posting, at most ``MAX_PIXELS`` pixels
  (a decompression bomb is refused before it is decoded);
- a damaged file is refused with a Chinese message naming it.

The stored copy is re-encoded as JPEG, turned upright (EXIF orientation), at most ``MAX_SIDE``
pixels on its longer side, **without any metadata**: a phone photo's EXIF carries the GPS position
and the device, which the public page must not publish.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
MAX_PIXELS = 50_000_000
MAX_SIDE = 2000
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


class PhotoError(ValueError):
    """A photo that cannot be accepted; the message is shown to the clerk."""


@dataclass(frozen=True)
class PreparedPhoto:
    name: str
    data: bytes  # the JPEG to store
    width: int
    height: int
    sha256: str


def _looks_like_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"avif")


def prepare_photo(name: str, data: bytes) -> PreparedPhoto:
    """Check one uploaded photo and return the cleaned JPEG (see the module docstring)."""
    label = f"照片“{name}”"
    if not data:
        raise PhotoError(f"{label}是空文件，请重新选择")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoError(f"{label}超过每张 {MAX_PHOTO_BYTES // 1024 // 1024} MB 的上限，"
                         "请在手机上压缩或降低拍照分辨率后重新上传")
    if _looks_like_heic(data):
        raise PhotoError(f"{label}是 HEIC/HEIF 格式，系统只接受 JPEG、PNG 或 WebP 照片；"
                         "请在手机相机设置中选择“兼容性最佳”后重拍，或先转换为 JPEG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                if fmt not in ALLOWED_FORMATS:
                    raise PhotoError(f"{label}不是 JPEG、PNG 或 WebP 照片（{fmt or '未知格式'}），请重新选择")
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoError(f"{label}像素过多（{probe.width}×{probe.height}），请降低分辨率后重新上传")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"{label}不是可以识别的图片，请重新选择 JPEG、PNG 或 WebP 照片") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PhotoError(f"{label}已损坏或不完整，无法打开，请重新拍摄或上传") from None
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata dropped
    stored = out.getvalue()
    return PreparedPhoto(name, stored, rgb.width, rgb.height, hashlib.sha256(stored).hexdigest())


def check_count(n: int) -> None:
    if n < 1:
        raise PhotoError("请至少上传一张公开栏张贴照片")
    if n > MAX_PHOTOS:
        raise PhotoError(f"每次最多上传 {MAX_PHOTOS} 张照片（本次 {n} 张）")

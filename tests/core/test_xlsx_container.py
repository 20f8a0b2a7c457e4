"""The XLSX's zip container, byte by byte: plain (non-Zip64) entries that every reader
accepts, Excel for the web included (issue 13). Read with `struct` from the bytes, not
through zipfile, which would accept the Zip64 forms too."""

import struct
import zipfile
import zlib
from io import BytesIO

from core.exports import xlsx_chunks

LOCAL = struct.Struct("<4sHHHHHIIIHH")  # signature .. extra length (30 bytes)
CENTRAL = struct.Struct("<4sBBBBHHHHIIIHHHHHII")  # 46 bytes
END = struct.Struct("<4sHHHHIIH")  # 22 bytes
DESCRIPTOR = struct.Struct("<4sIII")  # signature, CRC, compressed, uncompressed (32-bit)
DATA_DESCRIPTOR_FLAG = 0x08
ZIP64_EXTRA_ID = 0x0001


def workbook(rows=50) -> bytes:
    header = ["Naam", "Nummer", "Datum"]
    return b"".join(
        xlsx_chunks(header, ([f"Leerling {i}", i, None] for i in range(rows)), title="T")
    )


def extra_ids(extra: bytes) -> list[int]:
    ids, at = [], 0
    while at + 4 <= len(extra):
        ident, size = struct.unpack_from("<HH", extra, at)
        ids.append(ident)
        at += 4 + size
    return ids


def central_directory(data: bytes) -> list[dict]:
    end_at = data.rindex(b"PK\x05\x06")
    (_sig, _disk, _cd_disk, _here, count, size, offset, _comment) = END.unpack_from(data, end_at)
    assert b"PK\x06\x06" not in data[offset:]  # no Zip64 end record
    assert b"PK\x06\x07" not in data[offset:]  # nor its locator
    entries, at = [], offset
    for _ in range(count):
        fields = CENTRAL.unpack_from(data, at)
        assert fields[0] == b"PK\x01\x02"
        assert CENTRAL.size == 46
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        name = data[at + 46 : at + 46 + name_len].decode()
        extra = data[at + 46 + name_len : at + 46 + name_len + extra_len]
        entries.append(
            {
                "name": name,
                "version_needed": fields[3],
                "flags": fields[5],
                "method": fields[6],
                "crc": fields[9],
                "compressed": fields[10],
                "size": fields[11],
                "offset": fields[18],
                "extra": extra,
            }
        )
        at += 46 + name_len + extra_len + comment_len
    assert at == offset + size
    return entries


def test_every_entry_is_a_plain_zip_entry():
    data = workbook()
    entries = central_directory(data)
    assert {e["name"] for e in entries} >= {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    }
    for entry in entries:
        # Central directory: version 2.0, 32-bit sizes, no Zip64 extra field.
        assert entry["version_needed"] == 20, entry["name"]
        assert 0xFFFFFFFF not in (entry["compressed"], entry["size"], entry["offset"])
        assert ZIP64_EXTRA_ID not in extra_ids(entry["extra"])

        at = entry["offset"]
        (sig, version, flags, method, _time, _date, crc, compressed, size, name_len, extra_len) = (
            LOCAL.unpack_from(data, at)
        )
        assert sig == b"PK\x03\x04"
        assert version == 20, entry["name"]  # not 45 (Zip64)
        assert flags == entry["flags"] and method == entry["method"]
        name = data[at + 30 : at + 30 + name_len].decode()
        assert name == entry["name"]
        extra = data[at + 30 + name_len : at + 30 + name_len + extra_len]
        assert ZIP64_EXTRA_ID not in extra_ids(extra), name
        body_at = at + 30 + name_len + extra_len
        body = data[body_at : body_at + entry["compressed"]]
        content = zlib.decompress(body, -15) if method == 8 else body
        assert len(content) == entry["size"]
        assert zlib.crc32(content) == entry["crc"]

        if flags & DATA_DESCRIPTOR_FLAG:
            # Sizes known only at the end: zeros here, then a 32-bit data descriptor.
            assert (crc, compressed, size) == (0, 0, 0), name
            descriptor = DESCRIPTOR.unpack_from(data, body_at + entry["compressed"])
            assert descriptor == (b"PK\x07\x08", entry["crc"], entry["compressed"], entry["size"])
        else:
            # Sizes and CRC right in the local header.
            assert (crc, compressed, size) == (entry["crc"], entry["compressed"], entry["size"])
            assert size not in (0xFFFFFFFF,) and compressed != 0xFFFFFFFF


def test_the_worksheet_is_deflated_with_a_data_descriptor_and_the_small_parts_stored():
    entries = {e["name"]: e for e in central_directory(workbook(rows=2000))}
    sheet = entries["xl/worksheets/sheet1.xml"]
    assert sheet["method"] == 8 and sheet["flags"] & DATA_DESCRIPTOR_FLAG
    assert sheet["compressed"] < sheet["size"] / 3
    styles = entries["xl/styles.xml"]
    assert styles["method"] == 0 and not styles["flags"] & DATA_DESCRIPTOR_FLAG


def test_zipfile_reads_it_without_complaint():
    with zipfile.ZipFile(BytesIO(workbook())) as archive:
        assert archive.testzip() is None
        for info in archive.infolist():
            assert info.extract_version == 20
            assert not info.extra

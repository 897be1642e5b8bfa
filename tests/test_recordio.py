"""dlkit/recordio.py against files MXNet 1.9.1 wrote (golden/gen_recordio.py), and
files dlkit writes byte for byte against MXNet's."""
import os
import pickle
import struct

import numpy as np
import pytest

import dlkit as mx
from golden_replay import GOLDEN, load_topic

CASES, ARRAYS = load_topic("recordio")
CASE = {case["id"]: case for case in CASES}
FOLDER = os.path.join(GOLDEN, "recordio_files")
RECORDIO = mx.recordio


def golden_file(name):
    return os.path.join(FOLDER, name)


def read_all(reader):
    records = []
    record = reader.read()
    while record is not None:
        records.append(record)
        record = reader.read()
    return records


def test_reads_every_record_mxnet_wrote_including_split_magic_numbers():
    expected = [bytes.fromhex(r) for r in CASE["plain"]["records"]]
    reader = RECORDIO.MXRecordIO(golden_file("plain.rec"), "r")
    assert read_all(reader) == expected
    assert reader.read() is None
    reader.reset()
    assert reader.read() == expected[0]


def test_writes_the_same_bytes_as_mxnet(tmp_path):
    writer = RECORDIO.MXRecordIO(str(tmp_path / "out.rec"), "w")
    for record in CASE["plain"]["records"]:
        writer.write(bytes.fromhex(record))
    writer.close()
    with open(golden_file("plain.rec"), "rb") as handle:
        assert (tmp_path / "out.rec").read_bytes() == handle.read()


def test_record_layout_is_magic_length_payload_and_padding(tmp_path):
    writer = RECORDIO.MXRecordIO(str(tmp_path / "one.rec"), "w")
    writer.write(b"abcde")
    writer.close()
    raw = (tmp_path / "one.rec").read_bytes()
    assert raw == struct.pack("<II", 0xCED7230A, 5) + b"abcde\0\0\0"


def test_indexed_file_matches_mxnet_index_and_bytes(tmp_path):
    case = CASE["indexed"]
    reader = RECORDIO.MXIndexedRecordIO(golden_file("indexed.idx"),
                                        golden_file("indexed.rec"), "r")
    assert reader.keys == case["keys"]
    for key, packed in zip(reversed(case["keys"]), reversed(case["packed"])):
        assert reader.read_idx(key) == bytes.fromhex(packed)
    writer = RECORDIO.MXIndexedRecordIO(str(tmp_path / "x.idx"),
                                        str(tmp_path / "x.rec"),
                                        "w")
    assert writer.tell() == 0
    for key, packed in zip(case["keys"], case["packed"]):
        writer.write_idx(key, bytes.fromhex(packed))
    writer.close()
    for name in ("x.idx", "x.rec"):
        with open(golden_file("indexed" + name[1:]), "rb") as handle:
            assert (tmp_path / name).read_bytes() == handle.read()


def test_pack_and_unpack_match_mxnet_headers():
    case = CASE["indexed"]
    for header, packed, unpacked in zip(case["headers"], case["packed"],
                                        case["unpacked"]):
        flag, label, record_id, id2, payload = unpacked
        assert RECORDIO.pack(RECORDIO.IRHeader(*header), bytes.fromhex(payload)) == \
            bytes.fromhex(packed)
        got, rest = RECORDIO.unpack(bytes.fromhex(packed))
        assert (got.flag, got.id, got.id2) == (flag, record_id, id2)
        assert rest.hex() == payload
        assert np.atleast_1d(got.label).tolist() == label
        if flag:
            assert got.label.dtype == np.float32


def test_multi_label_header_stores_float32_labels_after_the_struct():
    packed = RECORDIO.pack((0, [1, 2.5], 3, 4), b"x")
    assert len(packed) == 24 + 8 + 1
    header, rest = RECORDIO.unpack(packed)
    assert header.flag == 2 and header.label.tolist() == [1.0, 2.5] and rest == b"x"
    assert RECORDIO.IRHeader._fields == ("flag", "label", "id", "id2")


@pytest.mark.parametrize("iscolor", [-1, 0, 1])
@pytest.mark.parametrize("name", CASE["images"]["names"])
def test_unpack_img_decodes_like_mxnet_opencv(name, iscolor):
    reader = RECORDIO.MXIndexedRecordIO(golden_file("images.idx"),
                                        golden_file("images.rec"), "r")
    number = CASE["images"]["names"].index(name)
    header, image = RECORDIO.unpack_img(reader.read_idx(number), iscolor)
    expected = ARRAYS[f"unpack_img/{name}/{iscolor}"]
    assert header.id == number
    assert image.shape == expected.shape and image.dtype == np.uint8
    # PNG is lossless; JPEG decoders (and gray conversions) may differ by a level
    converted_to_gray = iscolor == 0 and not name.endswith("gray")
    tolerance = 0 if name.startswith("png") and not converted_to_gray else 3
    assert np.abs(image.astype(int) - expected).max() <= tolerance


@pytest.mark.parametrize("name", ["png_color", "png_gray", "png_bgra", "jpg_color",
                                  "jpg_gray"])
def test_images_dlkit_packs_decode_in_mxnet_like_the_source(name):
    source = ARRAYS[f"source/{name}"]
    mxnet_read = ARRAYS[f"dlkit_written/{name}"]
    assert mxnet_read.shape == source.shape
    # JPEG at quality 95 loses a little, about as much as MXNet's own encoder
    mxnet_own = ARRAYS[f"unpack_img/{name}/-1"]
    tolerance = 0 if name.startswith("png") else 16
    assert np.abs(mxnet_read.astype(int) - source).max() <= tolerance
    assert np.abs(mxnet_own.astype(int) - source).max() <= tolerance
    reader = RECORDIO.MXIndexedRecordIO(golden_file("dlkit_images.idx"),
                                        golden_file("dlkit_images.rec"), "r")
    number = CASE["dlkit_written"]["names"].index(name)
    _, dlkit_read = RECORDIO.unpack_img(reader.read_idx(number))
    assert np.abs(dlkit_read.astype(int) - mxnet_read).max() <= (0 if tolerance == 0
                                                                  else 2)


def test_pack_img_round_trips_bgr_png_exactly():
    image = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    header, decoded = RECORDIO.unpack_img(RECORDIO.pack_img((0, 2.0, 9, 0), image,
                                                            img_fmt=".png"))
    assert header.label == 2.0 and np.array_equal(decoded, image)
    _, rgb_gray = RECORDIO.unpack_img(RECORDIO.pack_img((0, 0, 0, 0), image,
                                                        img_fmt=".PNG"), 0)
    assert rgb_gray.shape == (4, 5)


def test_pack_img_rejects_unknown_formats_and_bad_arrays():
    image = np.zeros((2, 2, 3), np.uint8)
    with pytest.raises(mx.MXNetError, match="dot"):
        RECORDIO.pack_img((0, 0, 0, 0), image, img_fmt="png")
    with pytest.raises(mx.MXNetError, match="uint8"):
        RECORDIO.pack_img((0, 0, 0, 0), image.astype(np.float32))


def test_unpack_img_of_bytes_that_are_not_an_image_gives_none():
    header, image = RECORDIO.unpack_img(RECORDIO.pack((0, 1.0, 2, 0), b"notanimage"))
    assert image is None and header.id == 2


def test_missing_pillow_gives_a_clear_error(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no PIL")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match="pip install Pillow"):
        RECORDIO.pack_img((0, 0, 0, 0), np.zeros((2, 2), np.uint8))


def test_pickling_reopens_a_reader_at_the_start_and_closes_the_original():
    reader = RECORDIO.MXRecordIO(golden_file("plain.rec"), "r")
    reader.read()
    copy = pickle.loads(pickle.dumps(reader))
    assert not reader.is_open and copy.is_open
    assert copy.read() == b"abc"
    with pytest.raises(RuntimeError, match="closed"):
        reader.read()


def test_flags_and_modes_are_checked(tmp_path):
    with pytest.raises(ValueError, match="Invalid flag a"):
        RECORDIO.MXRecordIO(str(tmp_path / "x.rec"), "a")
    with pytest.raises(mx.MXNetError, match="no such file"):
        RECORDIO.MXRecordIO(str(tmp_path / "missing.rec"), "r")
    writer = RECORDIO.MXRecordIO(str(tmp_path / "x.rec"), "w")
    with pytest.raises(TypeError, match="bytes"):
        writer.write("text")
    with pytest.raises(AssertionError):
        writer.read()
    writer.close()
    reader = RECORDIO.MXRecordIO(str(tmp_path / "x.rec"), "r")
    with pytest.raises(AssertionError):
        reader.write(b"x")
    assert not hasattr(reader, "tell")      # MXRecordIO has no tell in MXNet 1.9.1


def test_bad_offset_in_index_names_the_magic_number(tmp_path):
    (tmp_path / "bad.idx").write_text("0\t3\n")
    reader = RECORDIO.MXIndexedRecordIO(str(tmp_path / "bad.idx"),
                                        golden_file("indexed.rec"), "r")
    with pytest.raises(mx.MXNetError, match="magic number"):
        reader.read_idx(0)
    with pytest.raises(KeyError):
        reader.read_idx(5)


def test_seek_works_after_reading_to_the_end():
    # differs from MXNet, whose reader keeps returning None once it hit the end
    reader = RECORDIO.MXIndexedRecordIO(golden_file("indexed.idx"),
                                        golden_file("indexed.rec"), "r")
    read_all(reader)
    assert reader.read_idx(CASE["indexed"]["keys"][0]) == \
        bytes.fromhex(CASE["indexed"]["packed"][0])


def test_string_keys_with_key_type(tmp_path):
    writer = RECORDIO.MXIndexedRecordIO(str(tmp_path / "s.idx"),
                                        str(tmp_path / "s.rec"),
                                        "w", key_type=str)
    writer.write_idx(5, b"x")
    writer.write_idx("a", b"y")
    writer.close()
    assert (tmp_path / "s.idx").read_text() == "5\t0\na\t12\n"
    reader = RECORDIO.MXIndexedRecordIO(str(tmp_path / "s.idx"),
                                        str(tmp_path / "s.rec"),
                                        "r", key_type=str)
    assert reader.keys == ["5", "a"] and reader.read_idx("a") == b"y"

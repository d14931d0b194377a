#!/usr/bin/python3
"""Crafts hostile variants of a valid Deeplearning4j zip (one graft wrote), one per attack on DL4J
zips: usage make_dl4j_hostile_zips.py BASE.zip OUTDIR. Run by the end-to-end tests on a zip they
make, so no DL4J binary is committed. The payloads are inert: the serialized object is a String."""
import sys
import zipfile


def entries(base):
    with zipfile.ZipFile(base) as z:
        return [(info.filename, z.read(info)) for info in z.infolist()]


def write(path, items, shadow=None, symlink=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
        if symlink:
            info = zipfile.ZipInfo(symlink[0], date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o120777 << 16)  # a Unix symbolic link
            z.writestr(info, symlink[1])
        if shadow:
            # A second local entry of this name, left out of the central directory: a streaming
            # reader (ZipInputStream, as DL4J's ModelSerializer uses) loads it, a directory reader not.
            z.writestr(zipfile.ZipInfo(shadow[0], date_time=(1980, 1, 1, 0, 0, 0)), shadow[1])
            z.filelist.pop()
            del z.NameToInfo[shadow[0]]
            z.NameToInfo[shadow[0]] = next(i for i in z.filelist if i.filename == shadow[0])


def main(base, out):
    items = entries(base)
    # A Java-serialized String (stream magic, version, TC_STRING "pwned"): what DL4J's
    # ModelSerializer hands to ObjectInputStream.readObject for a preprocessor.bin entry.
    serialized = bytes.fromhex("aced0005") + b"\x74\x00\x05pwned"
    write(out + "/dl4j_preprocessor_bin.zip", items + [("preprocessor.bin", serialized)])
    write(out + "/dl4j_local_shadow.zip", items, shadow=("coefficients.bin", b"\x00" * 64))
    write(out + "/dl4j_dotdot.zip", items + [("../../evil.txt", b"x")])
    write(out + "/dl4j_duplicate.zip", items + [("configuration.json", b"{}")])
    write(out + "/dl4j_symlink.zip", items, symlink=("link", b"/etc/passwd"))
    write(out + "/dl4j_unknown_entry.zip", items + [("normalizer.bin", b"\x00" * 16)])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

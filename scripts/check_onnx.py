#!/usr/bin/python3
"""Runs ONNX's official checker (with full shape inference) on each file given; prints one line per
failure and exits 1 if any failed. Used by the tests with Debian's python3-onnx."""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
    except Exception as e:  # the checker raises several exception types
        failed += 1
        print(f"{path}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
print(f"checked {len(sys.argv) - 1} files, {failed} failed")
sys.exit(1 if failed else 0)

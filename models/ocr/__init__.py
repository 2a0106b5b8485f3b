"""OCR engines (RapidOCR on ONNX Runtime by default), loaded from bundled files."""

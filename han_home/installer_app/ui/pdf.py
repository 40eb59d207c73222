"""PDF through Qt: QTextDocument renders the report's HTML onto a QPdfWriter (QtGui)."""

from __future__ import annotations

from pathlib import Path


def write_pdf(html: str, path: Path) -> Path:
    """Write the PDF; raises OSError when the file cannot be written (QPdfWriter would
    fail silently on a path)."""
    path.write_bytes(pdf_bytes(html))
    return path


def pdf_bytes(html: str) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice, QMarginsF
    from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    app = QGuiApplication.instance()
    if app is None:  # headless use (installer-app commission --pdf)
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(150)
    writer.setTitle("Commissioning report")
    writer.setCreator("installer-app")
    doc = QTextDocument()
    doc.setHtml(html)
    doc.print_(writer)
    del writer  # ends the PDF (writes its trailer) into the buffer
    data = bytes(buffer.data().data())
    buffer.close()
    return data

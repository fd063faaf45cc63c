"""core.documents reads images a document carries as base64 data URLs (PNG, JPEG, SVG) and nothing else."""

import pytest

from sikom.core.documents import DocumentResourceRefused, StaticFilesOnly


def test_data_images_are_read_and_other_data_urls_refused():
    fetcher = StaticFilesOnly()
    response = fetcher.fetch("data:image/svg+xml;base64,PHN2Zy8+")
    assert response.headers["Content-Type"] == "image/svg+xml"
    for url in (
        "data:text/html;base64,PGgxPng8L2gxPg==",
        "data:image/png,notbase64",
        "data:image/gif;base64,R0lGODlh",
        "https://example.org/x.png",
    ):
        with pytest.raises(DocumentResourceRefused):
            fetcher.fetch(url)

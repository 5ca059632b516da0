"""The only resources a report may load: the app's report assets and the uploads the report
was given by id. Everything else (file://, http(s)://, other data: URLs) is refused."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|svg\+xml)[;,]", re.IGNORECASE)


class RefusedResource(ValueError):
    pass


class ReportFetcher(URLFetcher):
    """`report:<name>` from the assets folder, `upload:<id>` for the files allowed by id."""

    def __init__(self, assets_dir: Path, uploads: dict[int, Path]) -> None:
        super().__init__(allow_redirects=False, fail_on_errors=False)
        self._assets_dir = assets_dir
        self._uploads = uploads
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("report:"):
            name = url.removeprefix("report:")
            path = self._assets_dir / name
            if ASSET_NAME.match(name) and path.is_file():
                return self._file(url, path)
        elif url.startswith("upload:"):
            raw = url.removeprefix("upload:")
            if raw.isdigit() and int(raw) in self._uploads:
                return self._file(url, self._uploads[int(raw)])
        elif IMAGE_DATA.match(url):
            return super().fetch(url, headers)
        self.refused.append(url[:200])
        raise RefusedResource(f"refused: {url[:200]}")

    @staticmethod
    def _file(url: str, path: Path) -> URLFetcherResponse:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

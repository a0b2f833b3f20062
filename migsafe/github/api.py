"""The few GitHub REST calls the action makes (issue comments), with the standard library.

One comment per pull request, found again on every push by a hidden marker in its body
and edited in place, so a PR never collects a pile of bot comments.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

MARKER = "<!-- migsafe:pull-request-comment -->"
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class GitHubError(Exception):
    """A REST call failed: the status and GitHub's message."""


class GitHub:
    def __init__(self, token: str, repository: str, api_url: str = "https://api.github.com") -> None:
        self.token = token
        self.repository = repository
        self.api_url = api_url.rstrip("/")

    def _request(self, method: str, url: str, body: dict | None = None) -> tuple[object, str | None]:
        request = urllib.request.Request(
            url if url.startswith("http") else self.api_url + url,
            data=json.dumps(body).encode("utf-8") if body is not None else None,
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "migsafe",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
                return (json.loads(payload) if payload else None), response.headers.get("Link")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("message", detail)
            except (ValueError, AttributeError):
                pass
            raise GitHubError(f"{method} {request.full_url}: {exc.code} {detail}") from exc
        except urllib.error.URLError as exc:
            raise GitHubError(f"{method} {request.full_url}: {exc.reason}") from exc

    def comments(self, number: int) -> list[dict]:
        """Every comment of issue / pull request NUMBER, following pagination."""
        found: list[dict] = []
        url: str | None = f"/repos/{self.repository}/issues/{number}/comments?per_page=100"
        while url:
            page, link = self._request("GET", url)
            found.extend(page or [])
            match = _NEXT.search(link or "")
            url = match.group(1) if match else None
        return found

    def create_comment(self, number: int, body: str) -> dict:
        return self._request("POST", f"/repos/{self.repository}/issues/{number}/comments", {"body": body})[0]

    def update_comment(self, comment_id: int, body: str) -> dict:
        return self._request("PATCH", f"/repos/{self.repository}/issues/comments/{comment_id}", {"body": body})[0]


def upsert_comment(client: GitHub, number: int, body: str, *, create: bool = True) -> str:
    """Edit the PR's migsafe comment (the one carrying MARKER) or, when CREATE, add it.

    Returns "updated", "created" or "skipped".
    """
    text = f"{MARKER}\n{body}"
    existing = next((c for c in client.comments(number) if MARKER in (c.get("body") or "")), None)
    if existing is not None:
        client.update_comment(existing["id"], text)
        return "updated"
    if not create:
        return "skipped"
    client.create_comment(number, text)
    return "created"

"""`stampbook site publish` against moto's S3 and CloudFront on 127.0.0.1."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from stampbook.deploy.publish import IMMUTABLE, REVALIDATE, PublishError, addresses, publish
from tests.support.moto_server import CREDENTIALS

from .conftest import aws_client

PAGES = {
    "index.html": "<h1>Медная турка</h1>",
    "en/index.html": "<h1>Copper Cezve</h1>",
    "en/rewards/index.html": "<h1>Rewards</h1>",
    "assets/stylesheets/main.8608ea7d.min.css": "body{margin:0}",
    "assets/javascripts/bundle.56ea9cef.min.js": "console.log(1)",
    "assets/images/logo.svg": "<svg/>",
    "search/search_index.json": "{}",
    "sitemap.xml": "<urlset/>",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for name, text in PAGES.items():
        (tmp_path / "site" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / name).write_text(text, encoding="utf-8")
    return tmp_path / "site"


def uploads(s3: Any, bucket: str) -> dict[str, int]:
    """How many times each key was written."""
    counted: dict[str, int] = {}
    for version in s3.list_object_versions(Bucket=bucket).get("Versions", []):
        counted[version["Key"]] = counted.get(version["Key"], 0) + 1
    return counted


def test_every_file_gets_its_content_type_and_cache_policy(
    site: Path, s3: Any, bucket: str
) -> None:
    done = publish(site, bucket, s3)

    assert sorted(done.uploaded) == sorted(PAGES)
    expected = {
        "index.html": ("text/html; charset=utf-8", REVALIDATE),
        "en/rewards/index.html": ("text/html; charset=utf-8", REVALIDATE),
        "assets/stylesheets/main.8608ea7d.min.css": ("text/css; charset=utf-8", IMMUTABLE),
        "assets/javascripts/bundle.56ea9cef.min.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "assets/images/logo.svg": ("image/svg+xml", "public, max-age=86400"),
        "search/search_index.json": ("application/json", REVALIDATE),
        "sitemap.xml": ("application/xml", REVALIDATE),
    }
    for key, (content_type, cache) in expected.items():
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache), key
    page = s3.get_object(Bucket=bucket, Key="index.html")["Body"].read().decode()
    assert page == PAGES["index.html"]


def test_a_second_publish_uploads_only_what_changed(site: Path, s3: Any, bucket: str) -> None:
    publish(site, bucket, s3)
    (site / "en" / "index.html").write_text("<h1>Copper Cezve, new prices</h1>")
    (site / "en" / "winter" / "index.html").parent.mkdir()
    (site / "en" / "winter" / "index.html").write_text("<h1>Winter lots</h1>")

    again = publish(site, bucket, s3)

    assert sorted(again.uploaded) == ["en/index.html", "en/winter/index.html"]
    assert again.unchanged == len(PAGES) - 1
    written = uploads(s3, bucket)
    assert written.pop("en/index.html") == 2
    assert written.pop("en/winter/index.html") == 1
    assert set(written.values()) == {1}  # everything else was written once


def test_removed_files_stay_unless_asked_to_delete(site: Path, s3: Any, bucket: str) -> None:
    publish(site, bucket, s3)
    (site / "en" / "rewards" / "index.html").unlink()

    kept = publish(site, bucket, s3)
    listed = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert kept.deleted == []
    assert "en/rewards/index.html" in listed

    pruned = publish(site, bucket, s3, delete=True)
    listed = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert pruned.deleted == ["en/rewards/index.html"]
    assert pruned.uploaded == []
    assert listed == set(PAGES) - {"en/rewards/index.html"}


def test_no_built_site_is_refused_and_nothing_is_uploaded(
    tmp_path: Path, s3: Any, bucket: str
) -> None:
    with pytest.raises(PublishError, match="stampbook site build"):
        publish(tmp_path, bucket, s3)
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def distribution(moto: str, bucket: str) -> str:
    cloudfront = aws_client("cloudfront", moto)
    origin = f"{bucket}.s3.eu-central-1.amazonaws.com"
    created = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": uuid.uuid4().hex,
            "Comment": "site",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": origin,
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )
    identifier: str = created["Distribution"]["Id"]
    return identifier


def test_the_command_publishes_and_refreshes_cloudfront_for_what_changed(
    site: Path, moto: str, s3: Any, bucket: str
) -> None:
    cdn = distribution(moto, bucket)
    environment = {**CREDENTIALS, "AWS_ENDPOINT_URL": moto}
    command = ["site", "publish", bucket, "--site", str(site), "--distribution", cdn]
    CliRunner().invoke(main, command, env=environment, catch_exceptions=False)
    (site / "en" / "index.html").write_text("<h1>Copper Cezve, new prices</h1>")

    result = CliRunner().invoke(main, command, env=environment, catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "1 uploaded, 0 deleted, 7 unchanged" in result.output
    cloudfront = aws_client("cloudfront", moto)
    listed = cloudfront.list_invalidations(DistributionId=cdn)["InvalidationList"]["Items"]
    batches = [
        sorted(
            cloudfront.get_invalidation(DistributionId=cdn, Id=each["Id"])["Invalidation"][
                "InvalidationBatch"
            ]["Paths"]["Items"]
        )
        for each in listed
    ]
    assert len(batches) == 2  # one per publish that changed something
    assert ["/en/", "/en/index.html"] in batches  # the second: the changed page only


def test_many_changed_addresses_are_invalidated_by_one_wildcard() -> None:
    few = addresses(["index.html", "en/index.html", "assets/images/logo.svg"])
    many = addresses([f"en/winter-{n}/index.html" for n in range(40)])
    assert few == ["/", "/assets/images/logo.svg", "/en/", "/en/index.html", "/index.html"]
    assert many == ["/*"]

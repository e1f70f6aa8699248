"""The website's part of the stack: a private S3 bucket that only its CloudFront reads,
and the API behind the same distribution under `/api/`.

`stampbook site publish` fills the bucket with the built site; the stack's
outputs name the bucket and the distribution. Folder addresses (`/en/`) are
their `index.html`, a missing page is the site's own 404 page, and each file
is cached as long as the Cache-Control it was published with says.

The forms post to `/api/...` on the address they were loaded from, as on
`stampbook serve`: one origin, so a browser sends no CORS preflight (each
of which would have started a Lambda). `/api/*` goes to API Gateway
uncached, with every method and the viewer's headers but its Host; the
API's stage is named `api`, so the path needs no rewriting.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]

SITE_BUCKET = "SiteBucket"
SITE_DISTRIBUTION = "SiteDistribution"
SITE_FOLDER_INDEX = "SiteFolderIndex"
# CloudFront's managed policy CachingOptimized: it keeps each file as long as
# the Cache-Control it was published with says.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
# And CachingDisabled, and AllViewerExceptHostHeader (API Gateway answers only
# to its own host name): for the API.
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
API_PATHS = "/api/*"
EVERY_METHOD = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
# S3 knows no folder pages: MkDocs links to /en/rewards/, which is the
# object en/rewards/index.html.
FOLDER_INDEX = """function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (request.uri.endsWith('/')) {
    request.uri += 'index.html';
  } else if (last.indexOf('.') === -1) {
    request.uri += '/index.html';
  }
  return request;
}
"""


def site_resources() -> Json:
    cloudfront = "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
    distribution_arn = cloudfront + f"${{{SITE_DISTRIBUTION}}}"
    return {
        SITE_BUCKET: {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
            },
        },
        "SiteOriginAccess": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": {"Fn::Sub": "${AWS::StackName}-site"},
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        SITE_FOLDER_INDEX: {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": {"Fn::Sub": "${AWS::StackName}-folder-index"},
                "AutoPublish": True,
                "FunctionCode": FOLDER_INDEX,
                "FunctionConfig": {
                    "Comment": "folder addresses are their index.html",
                    "Runtime": "cloudfront-js-2.0",
                },
            },
        },
        SITE_DISTRIBUTION: {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Enabled": True,
                    "DefaultRootObject": "index.html",
                    "HttpVersion": "http2and3",
                    "PriceClass": "PriceClass_100",
                    "Origins": [
                        {
                            "Id": "site",
                            "DomainName": {"Fn::GetAtt": [SITE_BUCKET, "RegionalDomainName"]},
                            "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccess", "Id"]},
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        },
                        {
                            "Id": "api",
                            "DomainName": {
                                "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
                            },
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                        },
                    ],
                    "CacheBehaviors": [
                        {
                            "PathPattern": API_PATHS,
                            "TargetOriginId": "api",
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": EVERY_METHOD,
                            "CachedMethods": ["GET", "HEAD"],
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                            "Compress": True,
                        }
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "site",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "AllowedMethods": ["GET", "HEAD"],
                        "Compress": True,
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "FunctionAssociations": [
                            {
                                "EventType": "viewer-request",
                                "FunctionARN": {"Fn::GetAtt": [SITE_FOLDER_INDEX, "FunctionARN"]},
                            }
                        ],
                    },
                    # Without list rights S3 says 403 for a missing page: show the site's 404.
                    # (This holds for the API too, whose only 403 is to a forged SNS
                    # message, and SNS posts to API Gateway's own address.)
                    "CustomErrorResponses": [
                        {"ErrorCode": 403, "ResponseCode": 404, "ResponsePagePath": "/404.html"}
                    ],
                }
            },
        },
        "SiteBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": SITE_BUCKET},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": {"Fn::Sub": f"${{{SITE_BUCKET}.Arn}}/*"},
                            "Condition": {
                                "StringEquals": {"AWS:SourceArn": {"Fn::Sub": distribution_arn}}
                            },
                        }
                    ],
                },
            },
        },
    }


OUTPUTS: Json = {
    "SiteBucket": {"Value": {"Ref": SITE_BUCKET}},
    "SiteDistribution": {"Value": {"Ref": SITE_DISTRIBUTION}},
    "SiteAddress": {"Value": {"Fn::Sub": f"https://${{{SITE_DISTRIBUTION}.DomainName}}/"}},
}

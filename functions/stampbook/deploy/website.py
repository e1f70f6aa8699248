"""The website's part of the stack: a private S3 bucket that only its CloudFront reads.

`stampbook site publish` fills the bucket with the built site; the stack's
outputs name the bucket and the distribution. Folder addresses (`/en/`) are
their `index.html`, a missing page is the site's own 404 page, and each file
is cached as long as the Cache-Control it was published with says.
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

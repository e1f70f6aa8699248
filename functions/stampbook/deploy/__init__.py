"""Going live on AWS: the Lambda bundle, the CloudFormation template, the stack, the site."""

package cognito

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// regionPattern accepts the region names of every AWS partition the SDK
// knows: the union of its partitions' regionRegex (sdkRegionRegexes, copied
// from the SDK by TestRegionPatternsAreTheSDKs). Compiled on first use, so
// plugin start-up does not pay for it.
var regionPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(strings.Join(sdkRegionRegexes, "|"))
})

// ValidRegion reports whether region has the form of a region of an AWS
// partition (aws, aws-cn, aws-us-gov, aws-eusc, the ISO partitions). No
// network is used.
func ValidRegion(region string) bool { return regionPattern().MatchString(region) }

// RegionalEndpoint is Cognito's endpoint in region as the SDK's endpoint
// resolver computes it from its partitions, for example
// https://cognito-idp.cn-north-1.amazonaws.com.cn or
// https://cognito-idp.eusc-de-east-1.amazonaws.eu. No network is used.
func RegionalEndpoint(region string) string {
	endpoint, err := cip.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), cip.EndpointParameters{Region: aws.String(region)})
	if err != nil {
		return "Cognito's regional endpoint for " + region
	}
	return endpoint.URI.String()
}

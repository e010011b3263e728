package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestRegionValidatorKnowsEveryPartition: region names of every partition
// the AWS SDK knows pass, including the European Sovereign Cloud's.
func TestRegionValidatorKnowsEveryPartition(t *testing.T) {
	validate := func(region string) bool {
		var resp validator.StringResponse
		regionValidator.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("region"), ConfigValue: types.StringValue(region)}, &resp)
		return !resp.Diagnostics.HasError()
	}
	for _, region := range []string{"eu-west-1", "eusc-de-east-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "mx-central-1"} {
		if !validate(region) {
			t.Errorf("%s refused", region)
		}
	}
	for _, region := range []string{"mars-north-1", "eu-west", "eusc-fr-east-1", "eu-west-1 "} {
		if validate(region) {
			t.Errorf("%q accepted", region)
		}
	}
}

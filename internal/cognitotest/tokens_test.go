package cognitotest

import "testing"

// Every key the supply hands out is a valid 2048-bit RSA key with a modulus
// of its own, so no two pools (or a pool's two keys) share one.
func TestKeySupplyGivesDistinctKeys(t *testing.T) {
	seen := map[string]bool{}
	for range 12 {
		k, err := keySupply.next()
		if err != nil {
			t.Fatal(err)
		}
		if k.N.BitLen() != 2048 || k.E != 65537 {
			t.Fatalf("key of %d bits, e=%d; Cognito's are 2048 bits, e=65537", k.N.BitLen(), k.E)
		}
		if err := k.Validate(); err != nil {
			t.Fatal(err)
		}
		if seen[k.N.String()] {
			t.Fatal("a modulus was handed out twice")
		}
		seen[k.N.String()] = true
	}
}

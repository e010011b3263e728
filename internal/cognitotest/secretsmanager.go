package cognitotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Secrets Manager double: the operations a refresh-token store needs,
// on the same server as the Cognito double (point
// AWS_ENDPOINT_URL_SECRETS_MANAGER at Server.URL). Sources, all in the AWS
// Secrets Manager API reference (docs.aws.amazon.com/secretsmanager/latest/
// apireference/) unless named: the pages of CreateSecret, GetSecretValue, PutSecretValue,
// UpdateSecretVersionStage, DescribeSecret, ListSecretVersionIds and "Common
// Errors", and the user guide's "AWS Secrets Manager quotas" page for the
// version quota. Its clock is the Server's (PoolConfig.Now, Advance), so a
// test moves the 24-hour rule with Advance.

const (
	smTargetPrefix = "secretsmanager."
	// SMGetSecretValue and the others are the operations the double
	// serves, as named in X-Amz-Target and in the helpers' op arguments.
	SMCreateSecret             = "CreateSecret"
	SMGetSecretValue           = "GetSecretValue"
	SMPutSecretValue           = "PutSecretValue"
	SMUpdateSecretVersionStage = "UpdateSecretVersionStage"
	SMDescribeSecret           = "DescribeSecret"
	SMListSecretVersionIds     = "ListSecretVersionIds"

	StageCurrent  = "AWSCURRENT"
	StagePrevious = "AWSPREVIOUS"

	// Error types (API reference, each operation's Errors and Common Errors).
	SMErrResourceNotFound   = "ResourceNotFoundException"
	SMErrInvalidParameter   = "InvalidParameterException"
	SMErrInvalidRequest     = "InvalidRequestException"
	SMErrResourceExists     = "ResourceExistsException"
	SMErrAccessDenied       = "AccessDeniedException"
	SMErrInternalService    = "InternalServiceError"
	SMErrThrottling         = "ThrottlingException"
	SMErrMissingAuthToken   = "MissingAuthenticationTokenException"
	SMErrIncompleteSig      = "IncompleteSignature"
	SMErrInvalidSignature   = "InvalidSignatureException"
	SMErrLimitExceeded      = "LimitExceededException"
	smMsgSecretNotFound     = "Secrets Manager can't find the specified secret."
	smMsgMarkedForDeletion  = "You can't perform this operation on the secret because it was marked for deletion."
	smAccount               = "123456789012"
	smMinClientRequestToken = 32 // ClientRequestToken: 32 to 64 characters
	smMaxClientRequestToken = 64

	// SecretVersionQuota is the most versions a secret holds. The quotas
	// page: "Secrets Manager removes unlabeled versions when there are more
	// than 100, but it does not remove versions created less than 24 hours
	// ago. If you update the secret value more than once every 10 minutes,
	// you create more versions than Secrets Manager removes, and you will
	// reach the quota for secret versions"; PutSecretValue's page lists
	// LimitExceededException, "The request failed because it would exceed
	// one of the Secrets Manager quotas".
	SecretVersionQuota = 100
	// SecretVersionMinAge is the age below which no version is removed.
	SecretVersionMinAge = 24 * time.Hour
	// smMaxListResults: ListSecretVersionIds' MaxResults is 1 to 100.
	smMaxListResults = 100
)

// smStatus is the HTTP status Secrets Manager answers an error type with
// (Common Errors: InternalServiceError 500, MissingAuthenticationToken 403,
// every other error here 400).
func smStatus(errType string) int {
	switch errType {
	case SMErrInternalService:
		return http.StatusInternalServerError
	case SMErrMissingAuthToken:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

type smVersion struct {
	id      string
	value   string
	binary  []byte
	created time.Time
	seq     int
}

type smSecret struct {
	name, arn string
	created   time.Time
	changed   time.Time
	deleted   bool
	versions  map[string]*smVersion
	stages    map[string]string // label -> version id: each label on at most one version
}

// smFault is a Fault for one Secrets Manager operation ("" = any).
type smFault struct {
	op string
	Fault
}

type smState struct {
	secrets map[string]*smSecret // by name
	calls   map[string]int       // by operation
	faults  []smFault
	denied  map[string]bool // operation -> AccessDeniedException
	seq     int             // version creation order, for listing
}

func (st *smState) init() {
	if st.secrets == nil {
		st.secrets, st.calls, st.denied = map[string]*smSecret{}, map[string]int{}, map[string]bool{}
	}
}

// CreateSecret creates a secret (like CreateSecret with SecretString) and
// returns its ARN. value "" creates a secret without a version, which
// GetSecretValue answers with ResourceNotFoundException.
func (s *Server) CreateSecret(name, value string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets.init()
	var str *string
	if value != "" {
		str = &value
	}
	return s.createSecretLocked(name, newUUID(), str, nil).arn
}

func (s *Server) createSecretLocked(name, versionID string, value *string, binary []byte) *smSecret {
	now := s.nowLocked()
	// Secret ARNs end in a hyphen and six random characters (API reference,
	// SecretId of every operation).
	sec := &smSecret{
		name: name, arn: "arn:aws:secretsmanager:" + s.cfg.Region + ":" + smAccount + ":secret:" + name + "-" + randomString(6, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
		created: now, changed: now, versions: map[string]*smVersion{}, stages: map[string]string{},
	}
	if value != nil || binary != nil {
		v := s.newVersionLocked(versionID, now)
		if value != nil {
			v.value = *value
		} else {
			v.binary = slices.Clone(binary)
		}
		sec.versions[versionID] = v
		sec.stages[StageCurrent] = versionID
	}
	s.secrets.secrets[name] = sec
	return sec
}

// SetSecretBinary adds a version holding SecretBinary and makes it current.
func (s *Server) SetSecretBinary(secretID string, value []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.findSecretLocked(secretID); sec != nil {
		id := newUUID()
		v := s.newVersionLocked(id, s.nowLocked())
		v.binary = slices.Clone(value)
		sec.versions[id] = v
		sec.moveStageLocked(StageCurrent, id)
	}
}

// AddSecretVersions adds n unlabeled versions created age ago, as n earlier
// writes would have left them, so a test reaches the version quota without
// n requests.
func (s *Server) AddSecretVersions(secretID string, n int, age time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.findSecretLocked(secretID); sec != nil {
		at := s.nowLocked().Add(-age)
		for range n {
			id := newUUID()
			v := s.newVersionLocked(id, at)
			v.value = "deprecated"
			sec.versions[id] = v
		}
	}
}

func (s *Server) newVersionLocked(id string, at time.Time) *smVersion {
	s.secrets.seq++
	return &smVersion{id: id, created: at, seq: s.secrets.seq}
}

// DeleteSecret marks the secret for deletion (DeleteSecret with a recovery
// window): every operation then fails with InvalidRequestException.
func (s *Server) DeleteSecret(secretID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.findSecretLocked(secretID); sec != nil {
		sec.deleted = true
	}
}

// SecretValue returns the SecretString of the secret's AWSCURRENT version.
func (s *Server) SecretValue(secretID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec := s.findSecretLocked(secretID)
	if sec == nil {
		return "", false
	}
	v, ok := sec.versions[sec.stages[StageCurrent]]
	if !ok {
		return "", false
	}
	return v.value, true
}

// SecretStages returns the secret's labels and the version each is on.
func (s *Server) SecretStages(secretID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.findSecretLocked(secretID); sec != nil {
		out := make(map[string]string, len(sec.stages))
		for k, v := range sec.stages {
			out[k] = v
		}
		return out
	}
	return nil
}

// SecretVersionCount counts the secret's versions.
func (s *Server) SecretVersionCount(secretID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sec := s.findSecretLocked(secretID); sec != nil {
		return len(sec.versions)
	}
	return 0
}

// SecretsManagerCalls counts the requests for operation ("" = all) that
// reached the double, answered or faulted.
func (s *Server) SecretsManagerCalls(operation string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets.init()
	if operation != "" {
		return s.secrets.calls[operation]
	}
	n := 0
	for _, c := range s.secrets.calls {
		n += c
	}
	return n
}

// InjectSecretsManagerFault queues f for the next requests of operation
// ("" = any operation). Faults behave as Fault does for Cognito (Delay,
// ResetConnection, ErrorType, Status/Body, AfterProcessing), with Secrets
// Manager's HTTP statuses for its error types.
func (s *Server) InjectSecretsManagerFault(operation string, f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets.init()
	s.secrets.faults = append(s.secrets.faults, smFault{op: operation, Fault: f})
}

// DenySecretsManager makes the operations fail with AccessDeniedException,
// like an identity policy that lacks secretsmanager:<operation>. No
// operations clears every denial.
func (s *Server) DenySecretsManager(operations ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets.init()
	clear(s.secrets.denied)
	for _, op := range operations {
		s.secrets.denied[op] = true
	}
}

// findSecretLocked resolves a SecretId: the name, the full ARN, or a partial
// ARN without the six random characters (API reference, SecretId).
func (s *Server) findSecretLocked(id string) *smSecret {
	s.secrets.init()
	if sec, ok := s.secrets.secrets[id]; ok {
		return sec
	}
	for _, sec := range s.secrets.secrets {
		if id == sec.arn || id == sec.arn[:len(sec.arn)-7] {
			return sec
		}
	}
	return nil
}

// moveStageLocked puts label on version id, taking it off any other
// version; moving AWSCURRENT moves AWSPREVIOUS to the version it left
// (UpdateSecretVersionStage: "Whenever you move AWSCURRENT, Secrets Manager
// automatically moves the label AWSPREVIOUS to the version that AWSCURRENT
// was removed from").
func (sec *smSecret) moveStageLocked(label, id string) {
	old, had := sec.stages[label]
	sec.stages[label] = id
	if label == StageCurrent && had && old != id {
		sec.stages[StagePrevious] = old
	}
}

// makeRoomLocked removes unlabeled versions older than SecretVersionMinAge,
// oldest first, until a new version fits under SecretVersionQuota, and
// tells whether it fits (quotas page, see SecretVersionQuota). The order of
// removal is unsourced.
func (sec *smSecret) makeRoomLocked(now time.Time) bool {
	if len(sec.versions) < SecretVersionQuota {
		return true
	}
	var old []*smVersion
	for id, v := range sec.versions {
		if len(sec.stagesOf(id)) == 0 && now.Sub(v.created) >= SecretVersionMinAge {
			old = append(old, v)
		}
	}
	slices.SortFunc(old, func(a, b *smVersion) int { return a.seq - b.seq })
	for _, v := range old {
		if len(sec.versions) < SecretVersionQuota {
			break
		}
		delete(sec.versions, v.id)
	}
	return len(sec.versions) < SecretVersionQuota
}

func (sec *smSecret) stagesOf(id string) []string {
	var out []string
	for label, v := range sec.stages {
		if v == id {
			out = append(out, label)
		}
	}
	slices.Sort(out)
	return out
}

// sigV4Pattern is the shape of a Signature Version 4 Authorization header:
// AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
// SignedHeaders=..., Signature=<64 hex>.
var sigV4Pattern = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}$`)

// checkSignature rejects requests AWS would reject before the operation:
// unsigned (Common Errors: MissingAuthenticationToken, "The request must
// contain either a valid (registered) AWS access key ID or X.509
// certificate", HTTP 403), malformed signatures (IncompleteSignature, 400),
// and a credential scope for another region or service, which AWS refuses
// as a signature mismatch. The double does not verify the HMAC: it has no
// secret keys.
func (s *Server) checkSignature(r *http.Request) *apiError {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return newErr(SMErrMissingAuthToken, "Request is missing Authentication Token")
	}
	m := sigV4Pattern.FindStringSubmatch(auth)
	if m == nil || r.Header.Get("X-Amz-Date") == "" || !strings.Contains(";"+m[5]+";", ";host;") {
		return newErr(SMErrIncompleteSig, "The request signature does not conform to AWS standards.")
	}
	if m[3] != s.cfg.Region || m[4] != "secretsmanager" {
		return newErr(SMErrInvalidSignature, "Credential should be scoped to a valid region and service.")
	}
	return nil
}

// serveSecretsManager answers one Secrets Manager request (AWS JSON 1.1:
// POST /, X-Amz-Target: secretsmanager.<Operation>).
func (s *Server) serveSecretsManager(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), smTargetPrefix)
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	s.mu.Lock()
	s.secrets.init()
	s.secrets.calls[op]++
	f, faulted := s.takeSMFaultLocked(op)
	s.mu.Unlock()

	if faulted && !s.wait(r.Context(), f.Fault) {
		return
	}
	if faulted && f.answers() && !f.AfterProcessing {
		s.answerSMFault(w, f.Fault)
		return
	}
	out, e := s.dispatchSecretsManager(r, op, body, readErr)
	if faulted && f.answers() {
		s.answerSMFault(w, f.Fault)
		return
	}
	if e != nil {
		writeError(w, smStatus(e.Type), e)
		return
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", jsonContentType)
	writeBody(w, http.StatusOK, b)
}

func (s *Server) takeSMFaultLocked(op string) (smFault, bool) {
	for i, f := range s.secrets.faults {
		if f.op != "" && f.op != op {
			continue
		}
		if s.secrets.faults[i].Times--; s.secrets.faults[i].Times <= 0 {
			s.secrets.faults = slices.Delete(s.secrets.faults, i, i+1)
		}
		return f, true
	}
	return smFault{}, false
}

// answerSMFault is answerFault with Secrets Manager's statuses and default
// messages for its error types.
func (s *Server) answerSMFault(w http.ResponseWriter, f Fault) {
	if f.ErrorType == "" {
		s.answerFault(w, f)
		return
	}
	if f.ResetConnection {
		resetConnection(w, f)
		return
	}
	status := f.Status
	if status == 0 {
		status = smStatus(f.ErrorType)
	}
	msg := f.Message
	if msg == "" {
		msg = map[string]string{
			SMErrThrottling:      "Rate exceeded",
			SMErrInternalService: "An error occurred on the server side.",
			SMErrAccessDenied:    "You do not have sufficient access to perform this action.",
		}[f.ErrorType]
	}
	writeError(w, status, newErr(f.ErrorType, msg))
}

type smInput struct {
	Name                string // CreateSecret
	SecretId            string
	VersionId           string
	VersionStage        string
	ClientRequestToken  string
	SecretString        *string
	SecretBinary        []byte
	VersionStages       []string
	MoveToVersionId     string
	RemoveFromVersionId string
	IncludeDeprecated   bool
	MaxResults          int
	NextToken           string
}

func (s *Server) dispatchSecretsManager(r *http.Request, op string, body []byte, readErr error) (any, *apiError) {
	if r.Method != http.MethodPost || r.URL.Path != "/" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-1.") {
		return nil, newErr(errUnknownOperation, "")
	}
	if e := s.checkSignature(r); e != nil {
		return nil, e
	}
	if readErr != nil {
		return nil, newErr(errSerialization, "Request body could not be read.")
	}
	var in smInput
	dec := json.NewDecoder(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) > 0 {
		if err := dec.Decode(&in); err != nil {
			return nil, newErr(errSerialization, "Start of structure or map found where not expected.")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets.init()
	if s.secrets.denied[op] {
		return nil, newErr(SMErrAccessDenied, "User: arn:aws:iam::"+smAccount+":user/test is not authorized to perform: secretsmanager:"+op+
			" because no identity-based policy allows the secretsmanager:"+op+" action")
	}
	if op == SMCreateSecret {
		return s.createSecretOpLocked(in)
	}
	var handle func(*smSecret, smInput) (any, *apiError)
	switch op {
	case SMGetSecretValue:
		handle = s.getSecretValueLocked
	case SMPutSecretValue:
		handle = s.putSecretValueLocked
	case SMUpdateSecretVersionStage:
		handle = s.updateSecretVersionStageLocked
	case SMDescribeSecret:
		handle = s.describeSecretLocked
	case SMListSecretVersionIds:
		handle = s.listSecretVersionIdsLocked
	default:
		return nil, newErr(errUnknownOperation, "")
	}
	if in.SecretId == "" {
		return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null")
	}
	sec := s.findSecretLocked(in.SecretId)
	if sec == nil {
		return nil, newErr(SMErrResourceNotFound, smMsgSecretNotFound)
	}
	// A secret scheduled for deletion refuses reads and writes with
	// InvalidRequestException (GetSecretValue, PutSecretValue: "You tried to
	// perform the operation on a secret that's currently marked deleted");
	// DescribeSecret still answers (it shows DeletedDate).
	if sec.deleted && op != SMDescribeSecret {
		return nil, newErr(SMErrInvalidRequest, smMsgMarkedForDeletion)
	}
	return handle(sec, in)
}

// smSecretName: CreateSecret's Name is 1 to 512 characters; "The secret
// name can contain ASCII letters, numbers, and the following characters:
// /_+=.@-".
var smSecretName = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`)

type smCreateOutput struct {
	ARN       string
	Name      string
	VersionId string `json:",omitempty"`
}

// createSecretOpLocked serves CreateSecret. Sources (CreateSecret page):
//   - Name is required, 1 to 512 of the characters above;
//   - a value in "either the SecretString parameter or the SecretBinary
//     parameter, but not both. If you include SecretString or SecretBinary
//     then Secrets Manager creates an initial secret version and
//     automatically attaches the staging label AWSCURRENT to it"; without
//     one the secret has no version;
//   - that version's ID is ClientRequestToken (32 to 64 characters;
//     "If you use the AWS CLI or one of the AWS SDKs to call this
//     operation, then you can leave this parameter empty. The CLI or SDK
//     generates a random UUID for you") with AWSCURRENT;
//   - an existing name is ResourceExistsException ("A resource with the ID
//     you requested already exists"), also while it is marked for deletion.
//
// Description, KmsKeyId, Tags and replica regions are accepted and ignored.
func (s *Server) createSecretOpLocked(in smInput) (any, *apiError) {
	if in.Name == "" {
		return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	if !smSecretName.MatchString(in.Name) {
		return nil, newErr(SMErrInvalidParameter, "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!")
	}
	if in.SecretString != nil && in.SecretBinary != nil {
		return nil, newErr(SMErrInvalidParameter, "You can't specify both a binary secret value and a string secret value in the same secret.")
	}
	id := in.ClientRequestToken
	if id == "" {
		id = newUUID()
	}
	if n := len(id); n < smMinClientRequestToken || n > smMaxClientRequestToken {
		return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64")
	}
	if _, exists := s.secrets.secrets[in.Name]; exists {
		return nil, newErr(SMErrResourceExists, "The operation failed because the secret "+in.Name+" already exists.")
	}
	sec := s.createSecretLocked(in.Name, id, in.SecretString, in.SecretBinary)
	out := smCreateOutput{ARN: sec.arn, Name: sec.name}
	if len(sec.versions) > 0 {
		out.VersionId = id
	}
	return out, nil
}

type smGetOutput struct {
	ARN           string
	Name          string
	VersionId     string
	SecretString  *string `json:",omitempty"`
	SecretBinary  []byte  `json:",omitempty"`
	VersionStages []string
	CreatedDate   float64
}

// getSecretValueLocked: VersionId, VersionStage or neither (AWSCURRENT);
// "If you don't specify either a VersionStage or VersionId, then Secrets
// Manager defaults to AWSCURRENT". A label on no version, or an unknown
// version, is ResourceNotFoundException.
func (s *Server) getSecretValueLocked(sec *smSecret, in smInput) (any, *apiError) {
	id := in.VersionId
	if id == "" {
		stage := in.VersionStage
		if stage == "" {
			stage = StageCurrent
		}
		id = sec.stages[stage]
	} else if in.VersionStage != "" && sec.stages[in.VersionStage] != id {
		id = ""
	}
	v, ok := sec.versions[id]
	if !ok {
		return nil, newErr(SMErrResourceNotFound, "Secrets Manager can't find the specified secret value for staging label or version.")
	}
	out := smGetOutput{ARN: sec.arn, Name: sec.name, VersionId: v.id, VersionStages: sec.stagesOf(v.id), CreatedDate: epoch(v.created)}
	if v.binary != nil {
		out.SecretBinary = slices.Clone(v.binary)
	} else {
		out.SecretString = &v.value
	}
	return out, nil
}

type smPutOutput struct {
	ARN           string
	Name          string
	VersionId     string
	VersionStages []string
}

// putSecretValueLocked creates a version. Sources (PutSecretValue page):
//   - exactly one of SecretString and SecretBinary ("You must include
//     SecretBinary or SecretString, but not both");
//   - ClientRequestToken is the new VersionId; "If a version with this value
//     already exists and the version SecretString and SecretBinary values
//     are the same as those in the request, then the request is ignored"; if
//     they differ, "the request fails because you cannot modify an existing
//     secret version" (ResourceExistsException);
//   - without VersionStages, AWSCURRENT moves to the new version; with
//     them, only the listed labels move here ("If you specify a staging
//     label that's already associated with a different version of the same
//     secret, then Secrets Manager removes the label from the other
//     version");
//   - the first version of a secret gets AWSCURRENT in any case;
//   - a new version past SecretVersionQuota fails with
//     LimitExceededException unless unlabeled versions at least
//     SecretVersionMinAge old can be removed (makeRoomLocked). An
//     idempotent repeat creates nothing, so it passes.
func (s *Server) putSecretValueLocked(sec *smSecret, in smInput) (any, *apiError) {
	if (in.SecretString == nil) == (in.SecretBinary == nil) {
		return nil, newErr(SMErrInvalidParameter, "You must provide either SecretString or SecretBinary, but not both.")
	}
	id := in.ClientRequestToken
	if id == "" {
		id = newUUID() // the SDKs fill it; other clients may not
	}
	if n := len(id); n < smMinClientRequestToken || n > smMaxClientRequestToken {
		return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64")
	}
	for _, label := range in.VersionStages {
		if label == "" || len(label) > 256 {
			return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value at 'versionStages' failed to satisfy constraint: Member must have length between 1 and 256")
		}
	}
	if v, ok := sec.versions[id]; ok {
		same := in.SecretString != nil && v.binary == nil && *in.SecretString == v.value ||
			in.SecretBinary != nil && v.binary != nil && bytes.Equal(in.SecretBinary, v.binary)
		if !same {
			return nil, newErr(SMErrResourceExists, "You can't modify an existing version, you can only create a new version.")
		}
		return smPutOutput{ARN: sec.arn, Name: sec.name, VersionId: id, VersionStages: sec.stagesOf(id)}, nil
	}
	if !sec.makeRoomLocked(s.nowLocked()) {
		// The message is unsourced; the type is the page's.
		return nil, newErr(SMErrLimitExceeded, "You have exceeded the maximum number of versions ("+strconv.Itoa(SecretVersionQuota)+") for this secret.")
	}
	v := s.newVersionLocked(id, s.nowLocked())
	if in.SecretString != nil {
		v.value = *in.SecretString
	} else {
		v.binary = slices.Clone(in.SecretBinary)
	}
	first := len(sec.versions) == 0
	sec.versions[id] = v
	sec.changed = v.created
	labels := in.VersionStages
	if labels == nil {
		labels = []string{StageCurrent}
	}
	for _, label := range labels {
		sec.moveStageLocked(label, id)
	}
	if first {
		sec.moveStageLocked(StageCurrent, id)
	}
	return smPutOutput{ARN: sec.arn, Name: sec.name, VersionId: id, VersionStages: sec.stagesOf(id)}, nil
}

type smUpdateOutput struct {
	ARN  string
	Name string
}

// updateSecretVersionStageLocked moves or removes one label. Sources
// (UpdateSecretVersionStage page):
//   - MoveToVersionId: "If the staging label is already attached to a
//     different version of the secret, then you must also specify the
//     RemoveFromVersionId parameter";
//   - RemoveFromVersionId: "If the label is attached and you either do not
//     specify this parameter, or the version ID does not match, then the
//     operation fails" (InvalidParameterException, the error the page lists
//     for "a parameter value is not valid for the current state");
//   - moving AWSCURRENT moves AWSPREVIOUS (moveStageLocked).
//
// Unsourced: a label already on MoveToVersionId is a success when
// RemoveFromVersionId is absent or names that version, and fails like a
// mismatch otherwise; an unknown version is ResourceNotFoundException.
func (s *Server) updateSecretVersionStageLocked(sec *smSecret, in smInput) (any, *apiError) {
	if in.VersionStage == "" {
		return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value null at 'versionStage' failed to satisfy constraint: Member must not be null")
	}
	for _, id := range []string{in.MoveToVersionId, in.RemoveFromVersionId} {
		if _, ok := sec.versions[id]; id != "" && !ok {
			return nil, newErr(SMErrResourceNotFound, "Secrets Manager can't find the specified secret version.")
		}
	}
	on, attached := sec.stages[in.VersionStage]
	mismatch := newErr(SMErrInvalidParameter, "The parameter RemoveFromVersionId doesn't match the version the staging label "+
		in.VersionStage+" is attached to.")
	switch {
	case in.MoveToVersionId == "" && in.RemoveFromVersionId == "":
		return nil, newErr(SMErrInvalidParameter, "You must specify MoveToVersionId or RemoveFromVersionId.")
	case in.MoveToVersionId == "":
		if !attached || on != in.RemoveFromVersionId {
			return nil, mismatch
		}
		delete(sec.stages, in.VersionStage)
	case attached && on == in.MoveToVersionId:
		if in.RemoveFromVersionId != "" && in.RemoveFromVersionId != on {
			return nil, mismatch
		}
	case attached && on != in.RemoveFromVersionId:
		return nil, mismatch
	default:
		sec.moveStageLocked(in.VersionStage, in.MoveToVersionId)
	}
	sec.changed = s.nowLocked()
	return smUpdateOutput{ARN: sec.arn, Name: sec.name}, nil
}

type smDescribeOutput struct {
	ARN                string
	Name               string
	CreatedDate        float64
	LastChangedDate    float64
	DeletedDate        *float64 `json:",omitempty"`
	VersionIdsToStages map[string][]string
}

// describeSecretLocked returns the metadata, never a value: "DescribeSecret
// ... Retrieves the details of a secret. It does not include the encrypted
// secret value"; VersionIdsToStages lists the versions with labels
// (unlabeled, deprecated ones are not shown).
func (s *Server) describeSecretLocked(sec *smSecret, _ smInput) (any, *apiError) {
	out := smDescribeOutput{
		ARN: sec.arn, Name: sec.name, CreatedDate: epoch(sec.created), LastChangedDate: epoch(sec.changed),
		VersionIdsToStages: map[string][]string{},
	}
	for id := range sec.versions {
		if labels := sec.stagesOf(id); len(labels) > 0 {
			out.VersionIdsToStages[id] = labels
		}
	}
	if sec.deleted {
		d := epoch(s.nowLocked())
		out.DeletedDate = &d
	}
	return out, nil
}

type smListEntry struct {
	VersionId     string
	VersionStages []string `json:",omitempty"`
	CreatedDate   float64
}

type smListOutput struct {
	ARN       string
	Name      string
	Versions  []smListEntry
	NextToken *string `json:",omitempty"`
}

// listSecretVersionIdsLocked lists the versions, never a value. Sources
// (ListSecretVersionIds page): IncludeDeprecated, "Specifies whether to
// include versions of secrets that don't have any staging labels attached
// to them ... By default, versions without staging labels aren't
// included"; MaxResults 1 to 100, with NextToken for the rest. The order
// (newest first) and the page size without MaxResults are unsourced; the
// double pages by 100 so a client that ignores NextToken misses versions
// beyond it.
func (s *Server) listSecretVersionIdsLocked(sec *smSecret, in smInput) (any, *apiError) {
	if in.MaxResults < 0 || in.MaxResults > smMaxListResults {
		return nil, newErr(SMErrInvalidParameter, "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100")
	}
	size := in.MaxResults
	if size == 0 {
		size = smMaxListResults
	}
	var all []*smVersion
	for id, v := range sec.versions {
		if in.IncludeDeprecated || len(sec.stagesOf(id)) > 0 {
			all = append(all, v)
		}
	}
	slices.SortFunc(all, func(a, b *smVersion) int { return b.seq - a.seq })
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(in.NextToken)
		if err != nil || n < 0 || n > len(all) {
			return nil, newErr(SMErrInvalidParameter, "The NextToken value is invalid.")
		}
		start = n
	}
	end := min(start+size, len(all))
	out := smListOutput{ARN: sec.arn, Name: sec.name, Versions: []smListEntry{}}
	for _, v := range all[start:end] {
		out.Versions = append(out.Versions, smListEntry{VersionId: v.id, VersionStages: sec.stagesOf(v.id), CreatedDate: epoch(v.created)})
	}
	if end < len(all) {
		next := strconv.Itoa(end)
		out.NextToken = &next
	}
	return out, nil
}

// epoch renders a timestamp as the AWS JSON protocol does: seconds since
// the epoch as a number.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

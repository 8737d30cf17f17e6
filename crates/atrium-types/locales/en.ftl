# Atrium's English message catalogue. Every string the UI shows comes from here.
app-name = Atrium

## Errors
error-not-found = Not found.
error-unauthorized = Your session has ended. Please sign in again.
error-forbidden = You do not have permission to do this (needs { $needed }).
error-validation = Please correct the highlighted fields.
error-rate-limited = Too many attempts. Try again in { $seconds } seconds.
error-ip-blocked = Requests from your address are blocked for now. Contact the platform administrator if you think this is a mistake.
error-internal = Something went wrong on our side. Please try again.
error-unavailable = Atrium cannot reach its database right now. Try again in a few seconds.
error-network = Could not reach the server. Check your connection and try again.

## Validation
valid-required = This field is required.
valid-too-long = Must be at most { $max } characters.
valid-email = Enter a valid email address, like name@example.com.
valid-slug = Use 2–63 lowercase letters, digits and hyphens; start and end with a letter or digit.
valid-plan = Choose one of the listed plans.
valid-role = Choose one of the listed roles.
valid-status = Choose one of the listed statuses.
valid-password = Passwords need at least { $min } characters.
valid-slug-taken = Another tenant already uses this slug.
valid-email-taken = A user with this email already exists in this tenant.
valid-confirm = Type “{ $expected }” exactly to confirm.
valid-tenant = Choose a tenant.

## Sign-in
login-title = Sign in
login-heading = Sign in to Atrium
login-heading-workspace = Sign in to { $name }
login-email = Email
login-password = Password
login-workspace = Workspace (optional)
login-workspace-hint = Only needed when your email belongs to several workspaces.
login-submit = Sign in
login-failed = Incorrect email or password.
login-ambiguous = This email belongs to several workspaces: enter the workspace.
login-suspended = This workspace is suspended. Contact your platform administrator.
login-disabled = This account is disabled. Contact your administrator.

## Shell
nav-main = Main navigation
nav-home = Overview
nav-tenants = Tenants
nav-users = Users
nav-audit = Audit
shell-sign-out = Sign out
shell-signed-in-as = Signed in as
shell-platform = Platform
shell-skip-link = Skip to content
shell-menu = Menu
shell-menu-close = Close the menu
toast-dismiss = Dismiss
loading = Loading…

## Overview
home-title = Overview
home-tenants = Tenants
home-users = Users
home-active-tenants = Active tenants
home-welcome = Welcome, { $name }.

## Common
action-save = Save
action-cancel = Cancel
action-edit = Edit
action-delete = Delete
action-search = Search
action-copied = Copied
field-name = Name
field-email = Email
field-created = Created
field-updated = Updated
field-status = Status
field-role = Role
field-plan = Plan
field-tenant = Tenant
field-slug = Slug
field-last-login = Last sign-in
never = Never
table-empty = Nothing matches.
table-page = Page { $page } of { $pages }
table-total = { $total ->
    [one] 1 result
   *[other] { $total } results
}
table-total-at-least = { $total }+ results
table-total-about = About { $total } results
table-page-open = Page { $page }
table-first = First page
combobox-none = No match.
deleg-delegate-placeholder = Type a name or email
tenant-search-placeholder = Type a tenant's name or slug
table-per-page = Rows per page
table-prev = Previous page
table-next = Next page
search-label = Search
sort-by = Sort by { $column }

## Tenants
tenants-title = Tenants
tenants-new = New tenant
tenants-create = Create tenant
tenants-created = Tenant created.
tenants-updated = Tenant saved.
tenants-deleted = Tenant deleted.
tenants-suspended = Tenant suspended.
tenants-reactivated = Tenant reactivated.
tenants-suspend = Suspend
tenants-reactivate = Reactivate
tenants-edit-title = Edit tenant
tenants-users = Users
tenants-user-count = Users
tenants-active-users = Active users
tenants-delete-title = Delete tenant
tenants-delete-warning = This deletes the tenant and all its users. It cannot be undone.
tenants-delete-confirm = Type the slug “{ $slug }” to confirm
tenants-delete-button = Delete this tenant
tenants-search-placeholder = Name or slug
tenants-add-user = Add user
plan-free = Free
plan-starter = Starter
plan-professional = Professional
plan-enterprise = Enterprise
tenant-status-active = Active
tenant-status-suspended = Suspended

## Users
users-title = Users
users-new = New user
users-create = Create user
users-created = User created.
users-updated = User saved.
users-deleted = User deleted.
users-disabled = User disabled.
users-enabled = User enabled.
users-disable = Disable
users-enable = Enable
users-reset-password = Reset password
users-password-reset = Password reset. Share the new password securely; it is shown only once.
users-password = Initial password
users-password-hint = Leave empty to generate one.
users-generated-password = Password for { $email }: shown only once.
users-edit-title = Edit user
users-delete-title = Delete user
users-delete-warning = This deletes the user and signs them out everywhere.
users-delete-confirm = Type the email “{ $email }” to confirm
users-delete-button = Delete this user
users-erase-title = Erase personal data
users-erase-warning = This deletes the user and replaces their email and name everywhere Atrium kept a copy — the audit trail included — with a pseudonym. Their actions stay in the audit trail, which still verifies. This cannot be undone.
users-erase-button = Erase this person
users-erased = Personal data erased.
erase-not-resealed = This workspace's audit trail is still in the old format. Restart the server to re-seal it, then erase again.
users-search-placeholder = Name or email
role-viewer = Viewer
role-analyst = Analyst
role-manager = Manager
role-admin = Admin
role-super-admin = Super Admin
user-status-active = Active
user-status-disabled = Disabled
users-not-self = You cannot do this to your own account.
users-own-role = You cannot change your own role; ask someone above you.
users-role-above-own = You can give at most your own role.
# Completes error-forbidden: "(needs a role above Manager)".
rank-above = a role above { $role }
users-open = Open user

## Permissions: explanations
why-platform = Platform administrators hold every permission.
why-role = Granted by the role { $role }.
why-role-inherited = Granted by the role { $role }, which inherits it from { $parent }.
why-set = Granted by the permission set “{ $set }”.
why-grant = Granted directly by { $by }.
why-delegation = Delegated by { $from } until { $until }.
why-not = Not granted: no role, permission set, grant or delegation gives { $permission }.

## Permissions: validation
perm-platform-only = { $permission } is a platform permission and cannot be given inside a tenant.
perm-unknown = Unknown permission: { $permission }.
perm-not-held = You cannot hand out { $permission }: you do not hold it yourself (delegated permissions cannot be passed on).
perm-bad-inherits = Choose a built-in role or another set of this tenant.
perm-cycle = That would make the set inherit from itself.
perm-set-name-taken = Another permission set already has this name.
perm-set-has-children = The set “{ $child }” builds on this one; change it first.
perm-choose-delegate = Choose a colleague in your workspace.
perm-choose-some = Choose at least one permission.
perm-expiry-required = Choose when the delegation ends.
perm-expiry-past = The end must be in the future.
perm-expiry-too-far = Delegations last at most 90 days.
perm-not-self = You cannot delegate to yourself.
perm-already-revoked = This delegation has already ended.

## Roles & permissions page
nav-roles = Roles & permissions
nav-delegations = Delegations
roles-title = Roles & permissions
roles-inherits = inherits { $parent }
roles-platform-wide = platform-wide
roles-matrix = Permission matrix
roles-permission = Permission
roles-granted = granted
roles-not-granted = not granted
roles-copy = Copy { $role } into a new set
roles-sets = Custom permission sets
roles-new-set = New permission set
roles-no-sets = This workspace has no custom permission sets yet.
roles-tenant = Tenant
roles-show = Show
set-title-new = New permission set
set-title-edit = Edit permission set
set-description = Description
set-inherits = Builds on
set-inherits-nothing = Nothing (only the permissions ticked below)
set-inherits-role = Role: { $role }
set-inherits-set = Set: { $set }
set-permissions = Permissions
set-save = Save permission set
set-saved = Permission set saved.
set-delete = Delete permission set
set-delete-warning = Everyone who holds this set loses the permissions it grants, at once.
set-delete-confirm = Delete it now
set-deleted = Permission set deleted.

## User permissions tab
user-tab-details = Details
user-tab-permissions = Permissions
user-effective = Effective permissions
user-source = Granted by
user-sets = Permission sets
user-no-sets = No permission sets assigned.
user-assign-set = Assign set
user-assign = Assign
user-unassign = Remove { $set }
user-grants = Extra grants
user-no-grants = No extra grants.
user-add-grant = Add grant
user-grant = Grant
user-remove-grant = Remove { $permission }
user-why = Why can this user…?
user-why-permission = Permission to explain
user-why-ask = Explain
user-why-allowed = Allowed.
user-why-denied = Not allowed.
user-permissions-changed = Permissions updated.

## Delegations page
deleg-title = Delegations
deleg-new = Delegate permissions
deleg-delegate = Colleague
deleg-permissions = Permissions to lend
deleg-expires = Ends at (UTC)
deleg-reason = Reason (optional)
deleg-create = Delegate
deleg-created = Delegation created.
deleg-revoke = Revoke
deleg-revoked = Delegation revoked.
deleg-given = Given by me
deleg-received = Received
deleg-all = All delegations in this workspace
deleg-none = None.
deleg-from = From
deleg-to = To
deleg-until = Until
deleg-status = Status
deleg-active = Active
deleg-ended = Ended
deleg-cannot = You hold nothing you may delegate (delegation needs the permissions:delegate permission).
deleg-platform = Delegations are between users of one workspace; platform administrators have none.

## Audit
audit-title = Audit log
audit-verify = Verify chain
audit-export-csv = Export CSV
audit-export-json = Export JSON
audit-filters = Audit filters
audit-all-tenants = All tenants
audit-platform-events = Platform events
audit-actor-placeholder = Email or actor ID
audit-action-placeholder = e.g. tenant.update or tenant.
audit-entity-type = Entity type
audit-entity-id = Entity ID
audit-any = Any
audit-from = From
audit-to = To
audit-security-only = Security events only
audit-apply = Apply filters
audit-clear = Clear filters
audit-col-time = Time
audit-col-actor = Actor
audit-col-action = Action
audit-col-entity = Entity
audit-col-ip = IP address
audit-col-details = Details
audit-actor-system = System
audit-actor-anonymous = Anonymous
audit-security-badge = Security
audit-show-changes = Show changes
audit-changed-fields = Changed fields
audit-unchanged-fields = { $count ->
    [one] 1 unchanged field
   *[other] { $count } unchanged fields
}
audit-unchanged-caption = Unchanged fields
audit-no-changes = No before or after recorded.
audit-field = Field
audit-before = Before
audit-after = After
audit-request-id = Request ID
audit-user-agent = User agent
audit-chain-position = Chain position
audit-unchained = Not chained (written before the chain existed)
audit-pagination = Audit log pages
audit-verify-intact = Chain intact.
audit-verify-broken = Chain broken.
audit-verify-summary = { $rows } rows verified in { $chains ->
    [one] 1 chain
   *[other] { $chains } chains
}.
audit-verify-unchained = { $count } older rows predate the chain and are not verified.
audit-verify-erased = { $count } of them had personal data erased: their pseudonyms are not vouched for, everything else is.
audit-verify-break = { $chain }: first broken link at position { $seq } (row { $row }): { $reason }
audit-break-altered = a row was changed after it was written.
audit-break-link = a row does not follow the one before it (replaced or re-hashed).
audit-break-missing = a row is missing (deleted).
audit-break-tail = the newest rows are missing (deleted).
audit-break-personal = a row's personal data (email, address, agent or name) was changed without an erasure.
audit-export-format = Choose csv or json.
audit-verify-result = Chain verification

## Audit retention
audit-retention = Keep audit entries for (days)
audit-retention-save = Save retention
audit-retention-saved = Retention saved.
audit-retention-range = Choose a whole number of days from 30 to 3650.
audit-retention-hint = Older entries are pruned hourly; a checkpoint keeps the chain verifiable.

## Analytics
valid-metric-name = Metric names use lowercase letters, digits, "_" and "." (at most 128).
valid-metric-unknown = No metric of this name has received points yet.
valid-metric-unit = A unit is at most 32 characters.
valid-metric-description = A description is at most 500 characters.
valid-range = Choose one of the listed ranges.
valid-range-from = Enter the start as a date and time.
valid-range-to = Enter the end as a date and time.
valid-range-order = The end must be after the start.
valid-range-span = A range spans at most 800 days.
valid-bucket = Choose minute, hour or day.
valid-bucket-too-fine = That bucket gives more than { $max } points for this range; choose a wider one.
valid-label-filter = Write label filters as key=value, separated by commas.
stat-avg = Average
stat-min = Minimum
stat-max = Maximum
stat-p50 = p50
stat-p95 = p95
stat-p99 = p99
stat-count = Count
stat-rate = Rate (points/s)
analytics-export-format = Choose CSV or JSON.
nav-analytics = Analytics
analytics-title = Analytics
analytics-tenant = Tenant to look at
analytics-show = Show
analytics-controls = Chart settings
analytics-metric = Metric
analytics-range = Range
analytics-range-15m = Last 15 minutes
analytics-range-1h = Last hour
analytics-range-24h = Last 24 hours
analytics-range-7d = Last 7 days
analytics-range-30d = Last 30 days
analytics-range-custom = Custom
analytics-from = From (UTC)
analytics-to = To (UTC)
analytics-bucket = Bucket
analytics-bucket-auto = Automatic
analytics-bucket-minute = Minute
analytics-bucket-hour = Hour
analytics-bucket-day = Day
analytics-labels = Label filter
analytics-stats = Statistics
analytics-apply = Apply
analytics-export-csv = Export CSV
analytics-export-json = Export JSON
analytics-table = Data table
analytics-table-caption = { $metric } by bucket, newest first
analytics-col-time = Time
analytics-no-points = No points in this range.
analytics-caption = { $from } – { $to } · { $bucket } buckets · { $count } points
analytics-chart-label = Chart of { $metric }: { $points } buckets, { $anomalies } anomalies. The data table below has the values.
analytics-trend = Trend
analytics-forecast = Forecast
analytics-forecast-band = Forecast band (95%)
analytics-anomalies = Anomalies
analytics-trend-note = Trend: { $slope } per hour.
analytics-forecast-holt = Forecast: Holt's linear method, dashed, with a 95% band.
analytics-forecast-seasonal = Forecast: Holt-Winters with a season of { $season } buckets, dashed, with a 95% band.
analytics-anomalies-count = Anomalies ({ $count })
analytics-anomalies-none = No point lies beyond 3σ of the 30 buckets before it.
analytics-anomaly = { $value } where { $expected } was expected ({ $score }σ)
analytics-metric-details = Metric details
analytics-unit = Unit
analytics-description = Description
analytics-save-metric = Save
analytics-metric-saved = Saved.
analytics-empty-title = No metrics yet
analytics-empty-body = Metrics appear here as soon as points arrive. Create an API key with the metrics:write scope on the API keys page and send a batch, for example:
## API keys
nav-api-keys = API keys
keys-title = API keys
keys-show = Show
keys-choose-tenant = Choose a tenant to see its API keys.
keys-quota = { $count } of { $max } keys used ({ $plan } plan)
keys-list = Keys
keys-none = No API keys yet.
keys-none-filtered = No keys with this status.
keys-all-statuses = All statuses
keys-filter = Filter
keys-pagination = API key pages
keys-key = Key
keys-scopes = Scopes
keys-last-used = Last used
keys-expires = Expires
keys-actions = Actions
keys-created-by = by { $name }
keys-grace-until = Previous key works until { $time }
keys-status-active = Active
keys-status-expired = Expired
keys-status-revoked = Revoked
keys-scope-metrics-write = Send metric points
keys-scope-metrics-read = Read metrics through the API
keys-scope-unknown = Choose one of the listed scopes.
keys-scope-required = Choose at least one scope.
keys-expiry-never = Never
keys-expiry-days = { $days ->
    [one] After 1 day
   *[other] After { $days } days
}
keys-expiry-invalid = Choose never or a number of days from 1 to 730.
keys-new = New API key
keys-name-hint = What uses this key, for example “production ingestion”.
keys-create = Create key
keys-created = API key created.
keys-collision = Could not generate a unique key. Please try again.
keys-platform-no-issue = API keys are issued and rotated by the workspace’s own administrators.
keys-issued-title = Copy the key for “{ $name }” now
keys-issued-once = You won’t see this key or its signing secret again.
keys-issued-store = Store both in your secret manager; if you lose them, rotate the key.
keys-issued-done = I have stored them
keys-signing-secret = Signing secret
keys-copy-key = Copy key
keys-copy-signing = Copy signing secret
keys-revoke = Revoke
keys-revoke-named = Revoke key { $name }
keys-revoke-title = Revoke “{ $name }”
keys-revoke-warning = Requests made with { $key } are refused immediately. This cannot be undone.
keys-revoke-confirm = Type the key prefix “{ $prefix }” to confirm
keys-revoke-button = Revoke this key
keys-revoke-sure = Are you sure?
keys-revoked = API key revoked.
keys-already-revoked = This key is already revoked.
keys-rotate = Rotate
keys-rotate-named = Rotate key { $name }
keys-rotate-title = Rotate “{ $name }”
keys-rotate-explain = A new key and signing secret replace the current ones. The current key keeps working for the grace period you choose, so deployments can switch over.
keys-rotate-button = Rotate key
keys-rotated = API key rotated. Copy the new key now.
keys-not-active = Only active keys can be rotated.
keys-grace = Old key keeps working for
keys-grace-none = No grace period (stops now)
keys-grace-1h = 1 hour
keys-grace-24h = 24 hours
keys-grace-7d = 7 days
keys-grace-invalid = Choose one of the listed grace periods.
keys-signing-title = Signed ingestion
keys-signing-label = Require signed ingestion
keys-signing-hint = When on, every request made with an API key (ingestion and reads) must carry X-Atrium-Timestamp, a new X-Atrium-Nonce and a valid X-Atrium-Signature (v2: HMAC-SHA256 with the key’s signing secret over the method, path, query, body, timestamp and nonce); unsigned requests and reused nonces are refused.
keys-signing-on = Signed ingestion is now required.
keys-signing-off = Signed ingestion is now optional.
keys-signing-invalid = Choose on or off.

## Notification channels and deliveries
nav-channels = Channels
channels-title = Channels
channels-platform = Channels belong to a tenant and are managed by its own administrators.
channels-list = Channels
channels-none = No channels yet. Add one below.
channels-kind = Kind
channels-kind-webhook = Webhook
channels-kind-slack = Slack
channels-kind-teams = Microsoft Teams
channels-kind-email = Email
channels-kind-invalid = Choose webhook, Slack, Microsoft Teams or email.
channels-kind-fixed = A channel’s kind cannot change; create another channel instead.
channels-kind-is = Kind: { $kind } (cannot be changed).
channels-target = Sends to
channels-actions = Actions
channels-status-on = On
channels-status-off = Off: { $reason }
channels-status-off-plain = Off
channels-disabled-manual = turned off by a person
channels-disabled-failing = every delivery failed for too long
channels-disabled-gone = the receiver answered 410 Gone
channels-failing-since = Failing since { $time }
channels-overlap-until = Previous secret also signs until { $time }
channels-new = Add a channel
channels-create = Add channel
channels-created = Channel “{ $name }” added.
channels-updated = Channel “{ $name }” saved.
channels-deleted = Channel deleted.
channels-url = URL
channels-url-hint = For webhook, Slack and Teams channels: the http:// or https:// address to post to.
channels-recipients = Recipients
channels-recipients-hint = For email channels: addresses separated by commas.
channels-url-invalid = Enter a full URL, such as https://hooks.example.com/atrium.
channels-url-scheme = Only http:// and https:// URLs can receive notifications.
channels-url-credentials = Leave user names and passwords out of the URL.
channels-url-blocked = This address ({ $address }) is inside a private network; the server does not send there.
channels-url-unresolved = The host name does not resolve.
channels-recipient-invalid = “{ $address }” is not an email address.
channels-recipients-required = Enter at least one email address.
channels-recipients-too-many = Enter at most { $max } addresses.
channels-email-unavailable = Email channels need the server’s SMTP settings (ATRIUM_SMTP_HOST), which are not set.
channels-name-taken = Another channel already has this name.
channels-enabled-invalid = Choose on or off.
channels-edit-named = Edit { $name }
channels-edit-title = Edit “{ $name }”
channels-test = Send test
channels-test-named = Send test to { $name }
channels-test-title = Test notification for { $name }
channels-test-body = This is a test message from Atrium, sent by { $who }. If you can read it, the channel works.
channels-test-delivered = Test delivered: { $code } in { $ms } ms
channels-test-pending = Test queued; a worker will send it.
channels-test-failed = Test failed: { $error }
channels-test-channel-off = Turn the channel on before testing it.
channels-deliveries = Deliveries
channels-turn-off = Turn off
channels-turn-on = Turn on
channels-turn-off-named = Turn off { $name }
channels-turn-on-named = Turn on { $name }
channels-turned-off = Channel “{ $name }” turned off.
channels-turned-on = Channel “{ $name }” turned on.
channels-delete-named = Delete { $name }
channels-delete-title = Delete “{ $name }”
channels-delete-sure = Are you sure?
channels-delete-warning = Its delivery log goes with it. Alert rules that use it stop notifying through it.
channels-delete-confirm = Type the channel name, { $name }, to confirm
channels-delete-button = Delete this channel
channels-rotate = Rotate secret
channels-rotate-named = Rotate secret of { $name }
channels-rotate-title = Rotate the signing secret of “{ $name }”
channels-rotate-explain = A new secret signs every delivery from now on. During the overlap the previous secret signs too, so receivers can switch without losing messages.
channels-rotate-button = Rotate secret
channels-rotated = New signing secret issued.
channels-not-signed = Only webhook channels have a signing secret.
channels-overlap = Previous secret keeps signing for
channels-overlap-none = No overlap (stops at once)
channels-overlap-1h = 1 hour
channels-overlap-24h = 24 hours
channels-overlap-7d = 7 days
channels-overlap-invalid = Choose how long the previous secret keeps signing.
channels-secret-title = Signing secret of “{ $name }”
channels-secret-once = You won’t see this secret again.
channels-secret-explain = Receivers verify the webhook-signature header with it (Standard Webhooks).
channels-secret = Signing secret
channels-copy-secret = Copy secret
channels-secret-done = Done
channels-warning-title = Channels turned off
channels-warning-failing = “{ $name }” was turned off at { $time } because every delivery to it failed for too long.
channels-warning-gone = “{ $name }” was turned off at { $time } because its receiver answered 410 Gone.
channels-reenable = Turn back on
channels-reenable-named = Turn { $name } back on
channels-review = Review channels
deliveries-title = Delivery log
deliveries-pagination = Delivery log pages
deliveries-none = No deliveries.
deliveries-channel = Channel
deliveries-all-channels = All channels
deliveries-all-statuses = Any status
deliveries-filter = Filter
deliveries-event = Event
deliveries-attempts = Attempts
deliveries-attempts-replayed = { $count } (replayed { $replays }×)
deliveries-last-code = Code
deliveries-latency = Latency
deliveries-ms = { $ms } ms
deliveries-response = Response or error
deliveries-next = Next attempt
deliveries-attempt-time = Time
deliveries-attempt-outcome = Outcome
deliveries-status-pending = Pending
deliveries-status-delivered = Delivered
deliveries-status-failed = Failed
deliveries-outcome-delivered = Delivered
deliveries-outcome-retry = Failed, will retry
deliveries-outcome-failed = Failed
deliveries-replay = Replay
deliveries-replay-named = Replay “{ $title }”
deliveries-replayed = Delivery queued again.
deliveries-replay-not-failed = Only failed deliveries can be replayed.
deliveries-replay-channel-off = Turn the channel on before replaying its deliveries.
deliveries-error-timeout = No answer within { $ms } ms.
deliveries-error-connect = Could not connect: { $detail }
deliveries-error-status = The receiver answered { $status }.
deliveries-error-abandoned = The worker making the last attempt stopped before recording it.
deliveries-error-channel-off = The channel was turned off.
deliveries-error-misconfigured = The channel’s target is not valid any more; edit the channel.
deliveries-error-no-smtp = The server has no SMTP settings (ATRIUM_SMTP_HOST).
notify-event = Event
notify-severity = Severity
notify-open = Open in Atrium

## API key authentication (REST and ingestion errors)
key-auth-missing = Send an API key in the header “Authorization: Bearer atr_…”.
key-auth-invalid = The API key is not valid: unknown, revoked or expired.
key-auth-missing-scope = This API key lacks the scope { $scope }.
key-auth-signature-required = This workspace requires signed requests: send X-Atrium-Timestamp, X-Atrium-Nonce and X-Atrium-Signature.
key-auth-bad-signature = The request signature does not match.
key-auth-signature-version = This signature scheme is not supported: sign with v2 (timestamp, nonce, method, path with query and body) and send X-Atrium-Signature: v2=….
key-auth-invalid-nonce = A signed request needs X-Atrium-Nonce: 16 to 64 characters of A–Z, a–z, 0–9, “-” and “_”, new for every request.
key-auth-replayed = This nonce was already used with this API key: send every request with a new nonce.
key-auth-stale-signature = The request timestamp is more than { $seconds } seconds from the server’s clock.
key-auth-suspended = This workspace is suspended.
home-figures = Tenants at a glance
home-points-today = Points today
home-points-24h = Points, last 24 h
home-active-keys = Active keys
home-metrics = Metrics
home-sparkline = Points per hour over the last 24 hours for { $name }: { $total } in all
overview-chart-label = Live chart of { $metric } over the last hour: { $points } minutes. The analytics page has the values.
## Live updates
live-status-connecting = Connecting…
live-status-live = Live
live-status-reconnecting = Reconnecting…
live-status-offline = Offline
live-status-retry = Next attempt in { $seconds } s (attempt { $attempt }).
live-error-bad-command = That message was not understood.
live-error-tenant-required = Name the tenant to watch.
live-error-forbidden-tenant = You can only watch your own workspace.
live-error-too-many-metrics = Watch at most { $max } metrics at a time.
live-error-unknown-metric = One of those metrics does not exist in this workspace.
live-error-rate-limited = Too many subscription changes; wait a few seconds.
## Alerts
nav-alerts = Alerts
alerts-title = Alerts
alerts-nav = Alerting
alerts-nav-alerts = Alerts
alerts-nav-rules = Rules
alerts-nav-silences = Silences
alerts-nav-channels = Channels
alerts-states = Alert states
alerts-pagination = Alert list pages
alerts-tab-firing = Firing
alerts-tab-acknowledged = Acknowledged
alerts-tab-pending = Pending
alerts-tab-resolved = Resolved
alerts-none-firing = Nothing is firing.
alerts-none-acknowledged = No acknowledged alerts.
alerts-none-pending = No alerts are pending.
alerts-none-resolved = No alerts resolved in the last 7 days.
alert-state-pending = Pending
alert-state-firing = Firing
alert-state-acknowledged = Acknowledged
alert-state-resolved = Resolved
alert-state-no_data = No data
alert-state-error = Error
severity-critical = Critical
severity-high = High
severity-medium = Medium
severity-low = Low
alerts-severity = Severity
alerts-alert = Alert
alerts-state = State
alerts-value = Value
alerts-since = Since
alerts-actions = Actions
alerts-silenced = Silenced
alerts-acknowledge = Acknowledge
alerts-resolve = Resolve
alerts-acknowledge-named = Acknowledge { $name }
alerts-resolve-named = Resolve { $name }
alerts-acknowledge-heading = Acknowledge “{ $name }”
alerts-resolve-heading = Resolve “{ $name }”
alerts-acknowledge-confirm = Acknowledge alert
alerts-resolve-confirm = Resolve alert
alerts-comment = Comment (optional)
alerts-condition = Condition
alerts-reason = Why
alerts-labels = Labels
alerts-no-labels = None
alerts-started = Started
alerts-fired = Fired
alerts-acknowledged = Acknowledged
alerts-resolved = Resolved
alerts-escalation = Escalation
alerts-anomaly = anomaly detection
alert-detail-title = Alert
alert-summary = Alert summary
alert-chart-heading = { $metric } around the alert
alert-chart-label = Chart of { $metric } around the alert; threshold { $threshold }
alert-chart-threshold = Threshold: { $threshold }
alert-history = History
alert-deliveries = Notifications sent
alert-edit-rule = Edit the rule
history-opened = Opened as { $to }
history-moved = { $from } → { $to }
history-notified = Notified
history-suppressed = Notification held back
history-escalated = Escalated
escalation-none = The rule has no escalation policy.
escalation-next = Step { $step } at { $time } unless acknowledged
escalation-exhausted = Every escalation step has been taken.
escalation-stopped = Stopped: { $state }
alerts-action-not-applicable = The alert is no longer in a state that allows this.
alerts-valid-comment = Keep the comment under 500 characters.
## Alert rules
rules-title = Alert rules
rules-new = New rule
rules-none = No rules yet.
rules-open = Open alerts
rules-enabled = Enabled
rules-enabled-named = { $name } enabled
rules-for = for { $duration }
rules-last-evaluated = Last evaluated { $time }.
rules-never-evaluated = The evaluator has not run yet.
rules-delete-named = Delete { $name }
rules-delete-heading = Delete “{ $name }”?
rules-delete-warning = Its alerts and their history are deleted with it.
rules-delete-confirm = Delete rule
rule-edit-title = Alert rule
rule-new-heading = New alert rule
rule-edit-heading = Edit “{ $name }”
rule-no-metrics = This workspace has no metrics yet: send points first, then write rules on them.
rule-description = Description
rule-condition = Condition
rule-metric = Metric
rule-series-filter = Series filter
rule-series-filter-hint = Only series with these labels, e.g. region=eu, host=web-1. Empty: all series.
rule-per-series = One alert per series (instead of one for the whole metric)
rule-aggregation = Aggregation
rule-comparison = Comparison
rule-threshold = Threshold
rule-threshold-hint = Not used for anomaly detection.
rule-window = Evaluation window
rule-duration-hint = A duration such as 30s, 5m, 1h or 1d.
rule-pending = Pending period
rule-pending-hint = How long the condition must hold before the alert fires (0s: at once).
rule-no-data = When there is no data
rule-notify = Notifications
rule-labels = Labels
rule-labels-hint = Added to every alert, e.g. team=payments; silences match on them.
rule-group-by = Group by labels
rule-group-by-hint = Alerts firing together with equal values of these labels share one notification.
rule-channels = Notify these channels
rule-no-channels = No channels yet.
rule-find-channel = Add another channel
rule-find-channel-placeholder = Search channels by name
rule-cooldown = Cooldown
rule-cooldown-hint = Do not notify again for the same series within this time after a notification.
rule-escalation = Escalation
rule-escalation-hint = When an alert stays firing unacknowledged, notify more channels. Acknowledging stops escalation.
rule-step-after = Step { $step }: after
rule-step-channels = Step { $step }: notify
rule-save = Save rule
rule-test = Test against the last 24 h
aggregation-avg = Average
aggregation-min = Minimum
aggregation-max = Maximum
aggregation-sum = Sum
aggregation-count = Count
aggregation-rate = Rate (points per second)
aggregation-p50 = p50 (median)
aggregation-p95 = p95
aggregation-p99 = p99
comparison-gt = Above (>)
comparison-gte = At or above (≥)
comparison-lt = Below (<)
comparison-lte = At or below (≤)
comparison-anomaly = Anomaly (3σ from the last hour)
no-data-no_data = Show a “no data” alert
no-data-alerting = Treat as firing
no-data-ok = Treat as all clear
channel-disabled = Disabled
backtest-heading = Test against history
backtest-summary = Would have fired { $count } times in the last 24 h.
backtest-detail = Evaluated { $evaluated } times with data since { $from }; most extreme value { $peak }.
alerts-valid-name = Give the rule a name of 1 to 120 characters.
alerts-name-taken = Another rule already has this name.
alerts-valid-description = Keep the description under 1000 characters.
alerts-unknown-metric = This workspace has no metric “{ $metric }”.
alerts-valid-labels = “{ $part }” is not a label=value pair.
alerts-valid-group-by = “{ $part }” is not a label name.
alerts-valid-aggregation = Choose an aggregation.
alerts-valid-comparison = Choose a comparison.
alerts-valid-threshold = Enter a number.
alerts-valid-window = Use a window between 1m and 1d.
alerts-valid-pending = Use a pending period between 0s and 1d.
alerts-valid-cooldown = Use a cooldown between 0s and 7d.
alerts-valid-severity = Choose a severity.
alerts-valid-no-data = Choose what no data means.
alerts-valid-channel = Choose channels of this workspace.
alerts-valid-step-after = Use a duration between 0s and 7d.
alerts-valid-step-channels = Choose at least one channel for this step.
alerts-valid-step-order = Each step must come after the previous one.
## Silences
silences-title = Silences
silences-new = New silence
silences-none = No silences in the last 7 days.
silences-rule = Rule
silences-any-rule = Any rule
silences-rule-named = rule { $name }
silences-matchers = Label matchers
silences-matchers-hint = e.g. env=prod, host=~web-.* (operators = != =~ !~). All must match.
silences-starts = Starts (UTC)
silences-starts-hint = Empty: now.
silences-duration = Duration
silences-comment = Comment
silences-create = Create silence
silences-target = Mutes
silences-window = When
silences-end = End now
silence-active = Active
silence-scheduled = Scheduled
silence-ended = Ended
alerts-silence-target = Name a rule or at least one label matcher.
alerts-valid-matcher = “{ $part }” is not a matcher such as env=prod or host=~web-.*.
alerts-valid-rule = Choose a rule of this workspace.
alerts-valid-starts = Use a date and time such as 2026-11-21T14:00.
alerts-valid-silence-duration = Use a duration between 1m and 90d.
alerts-valid-silence-comment = Say why (1 to 500 characters).
home-firing = Firing alerts: { $count }

## IP blocks (/system/ip-blocks)
nav-ip-blocks = IP blocks
ip-blocks-title = IP blocks
ip-blocks-intro = Addresses refused before anything else runs. Repeated rate-limit refusals block an address automatically for a while; you can block an address or a range by hand and lift any block.
ip-blocks-new = Block an address or range
ip-blocks-network = Address or range
ip-blocks-network-hint = An IPv4 or IPv6 address (192.0.2.7) or a CIDR range (192.0.2.0/24).
ip-blocks-duration = Duration
ip-blocks-duration-1h = 1 hour
ip-blocks-duration-24h = 24 hours
ip-blocks-duration-7d = 7 days
ip-blocks-duration-30d = 30 days
ip-blocks-duration-lifted = Until lifted
ip-blocks-reason = Reason
ip-blocks-create = Block
ip-blocks-none = No address is blocked.
ip-blocks-origin = Origin
ip-blocks-origin-automatic = Automatic
ip-blocks-origin-manual = Manual
ip-blocks-since = Since
ip-blocks-until = Until
ip-blocks-until-lifted = Until lifted
ip-blocks-actions = Actions
ip-blocks-by = by { $name }
ip-blocks-lift = Lift
ip-blocks-lift-named = Lift the block of { $network }
ip-blocks-valid-network = Enter an IP address or a CIDR range, like 192.0.2.7 or 192.0.2.0/24.
ip-blocks-host-bits = The range has bits set after its prefix: write the network's first address (192.0.2.0/24, not 192.0.2.7/24).
ip-blocks-too-wide = That range is too wide to block (at most /8 for IPv4, /16 for IPv6).
ip-blocks-own-address = This would block the address you are signed in from.
ip-blocks-valid-duration = Choose one of the listed durations.
ip-blocks-reason-required = Say why the address is blocked.
ip-blocks-reason-long = Keep the reason under 500 characters.
ip-blocks-automatic-reason = { $count } rate-limit refusals in a short time.

## Plans, limits and features
valid-choice = Choose one of the listed options.
valid-limit-range = Enter a whole number from { $min } to { $max }.
limit-users = Members
limit-api_keys = Active API keys
limit-metrics = Metrics
limit-series = Series
limit-points_per_day = Points per day
limit-alert_rules = Alert rules
limit-channels = Notification channels
limit-audit_retention_days = Longest audit retention (days)
limit-api_requests_per_key = API requests per minute, per key
limit-api_requests_per_tenant = API requests per minute, whole workspace
feature-anomaly_detection = Anomaly detection and forecasts
feature-permission_sets = Custom permission sets
feature-delegations = Delegations
feature-escalation = Alert escalation
feature-support_access = Support access by the platform
limit-reached = This workspace has reached its limit of { $max } for “{ $limit }” on the { $plan } plan. Remove something you no longer need, or ask the platform administrators to raise the limit or change the plan.
feature-off = “{ $feature }” is not part of the { $plan } plan. Ask the platform administrators to change the plan or switch the feature on for this workspace.
nav-plans = Plans
plans-title = Plans
plans-intro = Limits and features each plan grants. A change applies at once to every workspace on the plan, except where a workspace has its own value.
plans-limits = Limits
plans-features = Features
plans-save = Save { $plan }
plans-saved = Plan saved.
plans-tenant-count = { $count ->
    [one] { $count } workspace
   *[other] { $count } workspaces
}
plans-limit = Limit
entitlements-title = Plan, limits and features
entitlements-intro = Values left empty follow the { $plan } plan. A value set here applies to this workspace only.
entitlements-plan-value = Plan value
entitlements-own-value = This workspace
entitlements-follow-plan = Follow the plan
entitlements-on = On
entitlements-off = Off
entitlements-save = Save limits and features
entitlements-saved = Saved.
entitlements-plan-default = Plan default ({ $state })
nav-usage = Usage
usage-title = Usage and limits
usage-plan = { $plan } plan
usage-of = { $used } of { $max }
usage-warning = “{ $limit }” is at { $percent } % of its limit ({ $used } of { $max }).
usage-full = “{ $limit }” is used up ({ $used } of { $max }): creating more is refused until something is removed or the limit is raised.
usage-custom = Set for this workspace
usage-ceilings = Rates and ceilings
usage-features = Features
usage-feature-on = Included
usage-feature-off = Not included
audit-retention-plan-max = The { $plan } plan keeps the audit trail at most { $max } days. Ask the platform administrators for a longer retention.
feature-not-included = “{ $feature }” is not included in this workspace's plan.

## The tenant portal
portal-nav = Workspace navigation
nav-branding = Branding
portal-overview-usage = Usage against your plan
portal-overview-activity = Recent activity
portal-overview-activity-empty = Nothing has happened here yet.
portal-overview-all-usage = All limits
portal-overview-all-activity = Full audit log
portal-not-member = You are signed in to another workspace. Sign out to sign in to this one.
portal-header-untrusted = The X-Tenant header is accepted only from a trusted proxy.
portal-unknown = There is no workspace at this address.
branding-title = Branding
branding-intro = How your workspace's portal looks to its members: the name in its header, your logo, and the colour of its header and buttons.
branding-name = Display name
branding-name-hint = Shown in the portal's header and on its sign-in page. Empty: { $name }.
branding-logo = Logo URL
branding-logo-hint = An https address of an image; it is shown at most 40 pixels high.
branding-color = Primary colour
branding-color-hint = As #rrggbb. Text on it is black or white, whichever reads better.
branding-preview = Preview
branding-preview-button = A button
branding-save = Save branding
branding-saved = Branding saved.
branding-color-format = Write the colour as # followed by six hex digits, like #1d4ed8.
branding-color-contrast = This colour stands out from the white page by only { $ratio }:1; buttons need at least { $min }:1. Choose a darker colour.
branding-logo-https = The logo must be an https:// address of an image, without a user name or password.
branding-logo-long = The logo address may be at most { $max } characters.
branding-name-long = The display name may be at most { $max } characters, without control characters.

## Invitations
invitations-title = Invite people
invitation-email = Email address
invitation-send = Send invitation
invitations-none = No open invitations.
invitation-state = State
invitation-expires = Link works until
invitation-actions = Actions
invitation-resend = Send again
invitation-revoke = Revoke
invitation-resend-for = Send the invitation to { $email } again
invitation-revoke-for = Revoke the invitation to { $email }
invitation-revoke-confirm = Revoke it? The link sent to { $email } stops working at once.
invitation-revoke-now = Revoke now
invitation-revoke-keep = Keep it
invitation-unsent = Not sent
invitation-state-open = Open
invitation-state-expired = Expired
invitation-state-accepted = Accepted
invitation-state-revoked = Revoked
invitation-sent = Invitation sent to { $email }.
invitation-not-sent = The invitation to { $email } is saved, but its email could not be sent ({ $reason }). Use “Send again” once mail works.
invitation-no-smtp = Invitations go out by email, and this server has no mail relay (ATRIUM_SMTP_HOST). Ask the platform's operators to set one up.
invitation-member-exists = This address already belongs to a member of this workspace.
invitation-already-open = This address already has an open invitation: send it again or revoke it.
invitation-members-only = Invitations are sent from a workspace's portal by its members.
invitation-closed-open = This invitation is open.
invitation-closed-expired = This invitation has expired. Ask whoever invited you to send it again.
invitation-closed-accepted = This invitation has already been used. Sign in instead.
invitation-closed-revoked = This invitation was withdrawn.
invitation-mail-subject = Join { $workspace } on Atrium
invitation-mail-intro = { $inviter } invited you to { $workspace } on Atrium, as { $role }.
invitation-mail-accept = Join { $workspace }
invitation-mail-expires = The link works once, until { $expires }.
invitation-mail-ignore = If you did not expect this invitation, ignore this email.
invite-title = Join a workspace
invite-heading = Join { $workspace }
invite-as = You were invited as { $email }, with the role { $role }.
invite-name = Your name
invite-password = Choose a password
invite-password-hint = At least 10 characters.
invite-join = Join { $workspace }
invite-not-found = This invitation link is not valid. Ask whoever invited you for a new one.

## Usage notices through channels
usage-notice-warning = { $limit } at { $percent } % of the { $plan } plan's limit
usage-notice-full = { $limit } used up on the { $plan } plan ({ $used } of { $max })

## Statistics (T6)
statistics-title = Statistics
statistics-platform = Platform statistics
statistics-tenants = { $tenants } workspaces, { $active } active.
statistics-members = Members
statistics-active = Signed in within { $days } days
statistics-keys = Active API keys
statistics-metrics = Metrics
statistics-points-today = Points today
statistics-points-30 = Points in 30 days
statistics-alerts = Open alerts
statistics-no-alerts = None
statistics-storage = Storage (estimated)
statistics-database = Database size

## Data export and erasure
nav-data = Data
data-title = Data and privacy
data-export-title = Export this workspace
data-export-intro = Download everything this workspace holds as a ZIP archive: one JSON file per table (members, keys without their secrets, channels, alert rules and history, metrics and points, usage, the audit trail) and a manifest. The archive streams as it is read; its progress shows below.
data-export-button = Download the archive
data-export-member = Export data
data-exports-recent = Recent exports
data-exports-none = No exports yet.
data-export-started = Started
data-export-scope = Of
data-export-status = Status
data-export-progress = Progress
data-export-rows = Rows
data-export-size = Size
data-export-tables = { $done } of { $total } tables
data-scope-workspace = the workspace
data-scope-member = member { $id }
export-status-running = running
export-status-done = done
export-status-failed = failed
data-erase-title = Erase a member
data-erase-intro = To erase a member's personal data, open their page under Users and choose “Erase personal data”. Their email and name are replaced by a pseudonym everywhere, the audit trail included, and the trail still verifies.

## Erasing a workspace
erasure-title = Erase this workspace
erasure-request-title = Erase the workspace and everything in it
erasure-warning = Every member, key, metric and point, alert, channel and the audit trail are deleted { $hours } hours after you confirm, and cannot be brought back. Until then the workspace keeps working and a platform administrator or you can cancel. Download the export above first if you want a copy.
erasure-request-button = Erase this workspace
erasure-ask-admin = Only the workspace's administrators can ask for its erasure.
erasure-pending = This workspace will be erased on { $when }.
erasure-requested = Asked by { $who } on { $when }.
erasure-requested-unknown = a former member
erasure-cancel = Cancel the erasure
erasure-cancelled = Erasure cancelled.
erasure-badge = Erasure pending
erasure-already-pending = This workspace's erasure is already scheduled.
erasure-none-pending = No erasure is pending for this workspace.
erasure-notice-scheduled-title = Workspace “{ $workspace }” is scheduled for erasure
erasure-notice-scheduled-body = { $who } asked for this workspace to be erased. On { $when } every member, key, metric, alert, channel and the audit trail will be deleted for good. Until then an administrator of the workspace (on its Data page) or a platform administrator can cancel it.
erasure-notice-cancelled-title = The erasure of workspace “{ $workspace }” was cancelled
erasure-notice-cancelled-body = { $who } cancelled the erasure planned for { $when }. Nothing will be deleted.
erasure-under-way = The delay has run out and the erasure is under way; it can no longer be cancelled.

## Portal security settings
nav-security = Security
security-title = Security
security-intro = How long your members stay signed in. Leave a field empty to use the platform's value; yours can only be shorter. Members already signed in are held to a change from their next click.
security-idle = Sign out after inactivity (minutes)
security-idle-hint = Platform: { $minutes } minutes.
security-max = Longest session (hours)
security-max-hint = Platform: { $hours } hours, whatever the activity.
security-save = Save security settings
security-saved = Security settings saved.
security-range = Enter a whole number from { $min } to { $max } { $unit }, or leave it empty.
security-unit-minutes = minutes
security-unit-hours = hours


## Two-factor sign-in (issue 14)
nav-account = Your account
account-title = Your account
two-factor-title = Two-factor sign-in
two-factor-intro = After your password, Atrium asks for a six-digit code from an authenticator app on your phone, so a stolen password alone does not open your account.
two-factor-off-label = Off
two-factor-on-since = On since { $date }
two-factor-backup-left = { $count ->
    [one] One unused backup code left.
   *[other] { $count } unused backup codes left.
}
two-factor-required-note = Your workspace requires two-factor sign-in. Set it up now; you will be asked to at your next sign-in otherwise.
two-factor-required-stays = Your workspace requires two-factor sign-in, so it cannot be turned off.
two-factor-set-up = Set up two-factor sign-in
two-factor-step-scan = Scan the QR code with an authenticator app (or type the key below into it).
two-factor-step-type = Type the six-digit code the app shows.
two-factor-qr-label = QR code of the key for your authenticator app
two-factor-secret-label = Key:
two-factor-first-code = Code from the app
two-factor-confirm = Turn on two-factor sign-in
two-factor-backup-title = Your backup codes
two-factor-backup-intro = Each code signs you in once if your phone is not at hand. Keep them somewhere safe: they are shown only now.
two-factor-continue = Continue
two-factor-current-code = Current code from your app (or a backup code)
two-factor-renew = Issue new backup codes
two-factor-disable = Turn off two-factor sign-in
two-factor-verify-title = Two-factor sign-in
two-factor-verify-intro = Enter the six-digit code from your authenticator app.
two-factor-code = Code
two-factor-code-hint = Lost your phone? Enter one of your backup codes instead.
two-factor-verify-submit = Verify
two-factor-start-over = Sign in again
two-factor-enrol-title = Set up two-factor sign-in
two-factor-enrol-intro = Your workspace requires two-factor sign-in. Set it up to continue.
two-factor-expired = This sign-in step has expired or was already used. Sign in again.
two-factor-locked = Too many wrong codes. The account is locked for 15 minutes; sign in again after that.
two-factor-wrong = That code is not right, or was already used. Wait for the next one and try again.
two-factor-format = Enter the six digits from your app, or a backup code like abcde-fghjk.
two-factor-format-totp = Enter the six digits from your app.
two-factor-already-on = Two-factor sign-in is already on.
two-factor-not-started = Start the set-up again: the key was replaced or removed.
two-factor-off = Two-factor sign-in is off.
two-factor-member-off = This member has no two-factor sign-in to reset.
user-two-factor-reset = Reset two-factor sign-in
user-two-factor-reset-hint = For a member who lost their phone and backup codes: their second factor is removed and they are signed out everywhere.
user-two-factor-reset-done = Two-factor sign-in reset; the member is signed out.
security-require-2fa = Require two-factor sign-in for every member
security-require-2fa-hint = Members without it are asked to set it up right after their password.
valid-password-common = This is one of the most common passwords, the first ones attackers try. Choose another.
sessions-title = Your sessions
sessions-device = Device
sessions-ip = Address
sessions-started = Signed in
sessions-last-seen = Last used
sessions-actions = Actions
sessions-end = End
sessions-this-one = This session
sessions-unknown-device = Unknown device
sessions-end-others = End all other sessions
sessions-everywhere = Sign out everywhere
sessions-ended-one = Session ended.
sessions-ended-others = Every other session ended.
password-title = Password
password-intro = Changing it signs you out everywhere else.
password-current = Current password
password-new = New password
password-new-hint = At least 10 characters, and not one of the most common passwords.
password-again = New password again
password-change = Change password
password-changed = Password changed. Your other sessions have ended.
password-mismatch = The two new passwords differ.
password-unchanged = The new password is the same as the current one.
password-current-wrong = The current password is not right.
password-locked = Too many wrong passwords. Try again in 15 minutes.
user-sessions-end = End all their sessions
user-sessions-ended = The member is signed out everywhere.
support-start = Sign in as this member
support-submit = Start support access
support-intro = For support: you see and do what they can, as them. They and their workspace see that you did, with your reason, and everything you do is recorded under both names. It ends when you end it, or after an hour.
support-reason = Reason
support-reason-hint = What you are looking into, for the member and the audit trail (10 to 500 characters).
support-reason-length = Give a reason of 10 to 500 characters.
support-refused = This workspace does not allow support access.
support-refused-plan = The workspace's plan does not include support access.
security-support-not-in-plan = Your plan does not include support access, so platform support cannot sign in as members whatever this says.
support-user-disabled = This member is disabled; enable them first.
support-not-active = This is not a support session.
support-not-credentials = Not during support access: a member's password, second factor and sessions are theirs to change.
support-banner = { $by } is signed in as { $member } for support. Everything done here is recorded under both names.
support-end = End support access
security-allow-support = Allow platform support to sign in as members
security-allow-support-hint = With a reason, for an hour at most, shown on every page and recorded. Turning it off ends any such session.
audit-support-badge = support access
audit-support-hint = A platform administrator did this signed in as this member; the row names them (impersonator_id).

## Single sign-on with OpenID Connect (issue 14)
login-sso = Sign in with { $provider }
login-or = or
login-sso-any = Use your organisation's single sign-on
login-sso-workspace = Workspace
login-sso-continue = Continue
sso-refused-not-configured = This workspace does not offer single sign-on. Check its name, or sign in with your password.
sso-refused-state = That sign-in did not start in this browser, so it was stopped. Please start again.
sso-refused-expired = That sign-in took too long or was already used. Please start again.
sso-refused-provider = The sign-in provider could not complete the sign-in. Please try again, or ask your administrator.
sso-refused-token = The sign-in provider's answer could not be verified, so it was refused.
sso-refused-email-unverified = Your sign-in provider did not confirm your email address.
sso-refused-domain = Your email address is not one this workspace accepts through single sign-on.
sso-refused-disabled = This account is disabled. Contact your administrator.
sso-refused-limit = This workspace has no room for another member. Ask its administrator.
sso-title = Single sign-on
sso-intro = Let members sign in with your organisation's OpenID Connect provider (Keycloak, Okta, Entra ID, Google Workspace…). People with a verified email in the allowed domains are signed in, and created on their first sign-in.
sso-redirect-uri = Redirect URI
sso-redirect-uri-hint = Register this address as the client's redirect (callback) URI at your provider.
sso-display-name = Provider name
sso-display-name-hint = Shown on the sign-in button: "Sign in with …".
sso-issuer = Issuer URL
sso-issuer-hint = Atrium reads its configuration from this address's /.well-known/openid-configuration.
sso-client-id = Client ID
sso-client-secret = Client secret
sso-secret-hint = Stored encrypted; never shown again.
sso-secret-kept = A secret is stored (encrypted). Leave this empty to keep it.
sso-domains = Allowed email domains
sso-domains-hint = Separated by commas, e.g. example.com, example.org. Subdomains are listed on their own.
sso-default-role = Role of people created on first sign-in
sso-enabled = Members may sign in with this provider
sso-save = Save single sign-on
sso-saved = Single sign-on saved.
sso-remove = Remove single sign-on
sso-remove-warning = Members will no longer be able to sign in through { $provider }; those without a password need an administrator to reset it.
sso-remove-confirm = Remove it now
sso-removed = Single sign-on removed.
sso-no-key = This server has no encryption key for secrets. Set ATRIUM_ENCRYPTION_KEY (64 hexadecimal digits) and restart it.
sso-secret-invalid = Enter the secret as your provider shows it: at most 1,024 characters on one line.
sso-text-invalid = Use one line of text.
sso-role-too-high = Choose a role below your own.
sso-issuer-https = The issuer must be an https address.
sso-issuer-query = The issuer is an address without ? or #.
sso-issuer-unreachable = No OpenID provider answered at this address's /.well-known/openid-configuration (or it names another issuer).
sso-domain-invalid = Enter domain names such as example.com (no wildcards).
sso-domains-required = Enter at least one email domain.
sso-domains-too-many = Enter at most 50 domains.
sso-changed-meanwhile = Single sign-on was removed meanwhile. Reload the page and enter the secret again.

## Theme (issue 15)
theme-label = Theme
theme-system = System
theme-light = Light
theme-dark = Dark
theme-invalid = Choose system, light or dark.

## Language (issue 15)
language-label = Language
language-invalid = Choose one of the languages offered.

## Command palette and keyboard help (issue 15)
action-close = Close
palette-open = Jump to…
palette-title = Command palette
palette-placeholder = Type a page, name, metric or alert…
palette-results = Results
palette-kind-page = Page
palette-kind-action = Action
palette-kind-tenant = Tenant
palette-kind-user = User
palette-kind-metric = Metric
palette-kind-alert = Alert
palette-new-tenant = New tenant
palette-new-user = New user
palette-new-rule = New alert rule
palette-new-silence = New silence
palette-new-key = New API key
palette-acknowledge = Acknowledge “{ $rule }”
palette-acknowledged = Alert acknowledged.
palette-nothing = Nothing matches.
palette-count = { $count ->
    [one] 1 result
   *[other] { $count } results
}
shortcuts-open = Keyboard shortcuts
shortcuts-title = Keyboard shortcuts
shortcuts-palette = Open the command palette
shortcuts-help = Show these shortcuts
shortcuts-choose = Move through the palette's results and open one
shortcuts-close = Close a dialog or the menu
shortcuts-tab = Move to the next or previous control

## How long ago, or how far ahead (locale::relative)
relative-now = just now
relative-minutes-ago = { $count ->
    [one] 1 minute ago
   *[other] { $count } minutes ago
}
relative-hours-ago = { $count ->
    [one] 1 hour ago
   *[other] { $count } hours ago
}
relative-days-ago = { $count ->
    [one] 1 day ago
   *[other] { $count } days ago
}
relative-minutes-ahead = { $count ->
    [one] in 1 minute
   *[other] in { $count } minutes
}
relative-hours-ahead = { $count ->
    [one] in 1 hour
   *[other] in { $count } hours
}
relative-days-ahead = { $count ->
    [one] in 1 day
   *[other] in { $count } days
}

## A rule's condition, and why an alert is where it is (stored as messages, worded per reader)
condition-threshold = { $stat } of { $metric } { $op } { $threshold } over { $window }
condition-anomaly = { $stat } of { $metric } is anomalous over { $window }
reason-no-points-alerting = no points in the last { $window } (counts as alerting)
reason-anomalous = { $stat } of { $metric } = { $value } is anomalous
reason-anomalous-held = { $stat } of { $metric } = { $value } is anomalous, held for { $held }
reason-breach = { $stat } of { $metric } = { $value } { $op } { $threshold } over { $window }
reason-breach-held = { $stat } of { $metric } = { $value } { $op } { $threshold } over { $window }, held for { $held }
reason-cleared = condition cleared: { $stat } of { $metric } = { $value }
reason-no-points-clear = no points in the last { $window } (counts as all clear)
reason-no-data = no points in the last { $window }
reason-error = { $error }
reason-silenced = notification silenced until { $until } ({ $comment })
reason-cooldown = in cooldown: last notified { $last }, quiet until { $until }
reason-notified = { $event } sent to { $channels ->
    [one] 1 channel
   *[other] { $channels } channels
}{ $others ->
    [0] {""}
    [one] , grouped with 1 other alert
   *[other] , grouped with { $others } other alerts
}
reason-escalation-silenced = escalation step { $step } silenced ({ $comment })
reason-unacknowledged = unacknowledged for { $after }
reason-escalated = step { $step }: unacknowledged for { $after }, sent to { $channels ->
    [one] 1 channel
   *[other] { $channels } channels
}
reason-acknowledged-by = acknowledged by { $name }
reason-acknowledged-by-comment = acknowledged by { $name }: { $comment }
reason-resolved-by = resolved by { $name }
reason-resolved-by-comment = resolved by { $name }: { $comment }

## Alert notifications, written in the receiving channel's language
notify-word-firing = FIRING
notify-word-resolved = RESOLVED
notify-word-acknowledged = ACKNOWLEDGED
notify-word-no-data = NO DATA
notify-word-error = ERROR
notify-word-escalated = ESCALATED
notify-word-alert = ALERT
notify-alert-title = { $count ->
    [one] {"["}{ $word }] { $rule }
   *[other] {"["}{ $word } ×{ $count }] { $rule }
}
notify-alert-body = { $condition } (severity { $severity })
notify-escalated-title = {"["}ESCALATED · step { $step }] { $rule }
channels-language = Language of its messages
channels-language-invalid = Choose a language from the list.

# Atrium's English message catalogue. Every string the UI shows comes from here.
app-name = Atrium

## Errors
error-not-found = Not found.
error-unauthorized = Your session has ended. Please sign in again.
error-forbidden = You do not have permission to do this (needs { $needed }).
error-validation = Please correct the highlighted fields.
error-rate-limited = Too many attempts. Try again in { $seconds } seconds.
error-internal = Something went wrong on our side. Please try again.
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
login-email = Email
login-password = Password
login-workspace = Workspace (optional)
login-workspace-hint = Only needed when your email belongs to several workspaces.
login-submit = Sign in
login-failed = Incorrect email or password.
login-locked = Too many failed attempts. This account is locked for 15 minutes.
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
action-back = Back
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
users-search-placeholder = Name or email
users-all-tenants = All tenants
role-viewer = Viewer
role-analyst = Analyst
role-manager = Manager
role-admin = Admin
role-super-admin = Super Admin
user-status-active = Active
user-status-disabled = Disabled
users-not-self = You cannot do this to your own account.
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
roles-members = { $count ->
    [one] 1 user
   *[other] { $count } users
}
roles-choose-tenant = Choose a tenant to see and edit its custom permission sets.
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
audit-verify-break = { $chain }: first broken link at position { $seq } (row { $row }): { $reason }
audit-break-altered = a row was changed after it was written.
audit-break-link = a row does not follow the one before it (replaced or re-hashed).
audit-break-missing = a row is missing (deleted).
audit-break-tail = the newest rows are missing (deleted).
audit-export-format = Choose csv or json.
audit-verify-result = Chain verification

## Audit retention
audit-retention = Keep audit entries for (days)
audit-retention-save = Save retention
audit-retention-saved = Retention saved.
audit-retention-range = Choose a whole number of days from 1 to 3650.
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
analytics-choose-tenant = Choose a tenant…
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
keys-quota-full = This workspace already has { $max } active keys, the most the { $plan } plan allows. Revoke a key you no longer use first.
keys-list = Keys
keys-none = No API keys yet.
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
keys-copied = Copied
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
keys-signing-hint = When on, ingestion requests must carry X-Atrium-Timestamp and a valid X-Atrium-Signature (HMAC-SHA256 with the key’s signing secret); unsigned requests are refused.
keys-signing-on = Signed ingestion is now required.
keys-signing-off = Signed ingestion is now optional.
keys-signing-invalid = Choose on or off.

## API key authentication (REST and ingestion errors)
key-auth-missing = Send an API key in the header “Authorization: Bearer atr_…”.
key-auth-invalid = The API key is not valid: unknown, revoked or expired.
key-auth-missing-scope = This API key lacks the scope { $scope }.
key-auth-signature-required = This workspace requires signed requests: send X-Atrium-Timestamp and X-Atrium-Signature.
key-auth-bad-signature = The request signature does not match.
key-auth-stale-signature = The request timestamp is more than { $seconds } seconds from the server’s clock.
key-auth-suspended = This workspace is suspended.
home-figures = Tenants at a glance
home-points-today = Points today
home-points-24h = Points, last 24 h
home-active-keys = Active keys
home-metrics = Metrics
home-sparkline = Points per hour over the last 24 hours for { $name }: { $total } in all
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

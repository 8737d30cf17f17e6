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

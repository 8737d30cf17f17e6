# Atrium's Arabic message catalogue (ar). Keys match en.ftl exactly.
app-name = Atrium

## Errors
error-not-found = غير موجود.
error-unauthorized = انتهت جلستك. يُرجى تسجيل الدخول مرة أخرى.
error-forbidden = ليست لديك صلاحية للقيام بهذا الإجراء (المطلوب: { $needed }).
error-validation = يُرجى تصحيح الحقول المميّزة.
error-rate-limited = محاولات كثيرة جدًا. أعد المحاولة بعد { $seconds } ثانية.
error-ip-blocked = الطلبات الواردة من عنوانك محظورة حاليًا. تواصل مع مسؤول المنصة إذا كنت تعتقد أن هذا خطأ.
error-internal = حدث خطأ من جهتنا. يُرجى المحاولة مرة أخرى.
error-unavailable = يتعذّر على Atrium الوصول إلى قاعدة البيانات حاليًا. أعد المحاولة بعد بضع ثوانٍ.
error-network = تعذّر الوصول إلى الخادم. تحقّق من اتصالك وأعد المحاولة.

## Validation
valid-required = هذا الحقل مطلوب.
valid-too-long = يجب ألا يتجاوز عدد الأحرف { $max }.
valid-email = أدخل عنوان بريد إلكتروني صالحًا، مثل name@example.com.
valid-slug = استخدم من 2 إلى 63 حرفًا لاتينيًا صغيرًا أو رقمًا أو شرطة، على أن يبدأ وينتهي بحرف أو رقم.
valid-plan = اختر إحدى الخطط المدرجة.
valid-role = اختر أحد الأدوار المدرجة.
valid-status = اختر إحدى الحالات المدرجة.
valid-password = يجب ألا يقل عدد أحرف كلمة المرور عن { $min }.
valid-slug-taken = هذا المعرّف المختصر مستخدم بالفعل لدى مستأجر آخر.
valid-email-taken = يوجد بالفعل مستخدم بهذا البريد الإلكتروني في هذا المستأجر.
valid-confirm = اكتب “{ $expected }” كما هو تمامًا للتأكيد.
valid-tenant = اختر مستأجرًا.

## Sign-in
login-title = تسجيل الدخول
login-heading = تسجيل الدخول إلى Atrium
login-heading-workspace = تسجيل الدخول إلى { $name }
login-email = البريد الإلكتروني
login-password = كلمة المرور
login-workspace = مساحة العمل (اختياري)
login-workspace-hint = لا يلزم إلا إذا كان بريدك الإلكتروني مرتبطًا بعدة مساحات عمل.
login-submit = تسجيل الدخول
login-failed = البريد الإلكتروني أو كلمة المرور غير صحيحة.
login-ambiguous = هذا البريد الإلكتروني مرتبط بعدة مساحات عمل: أدخل مساحة العمل.
login-suspended = مساحة العمل هذه معلّقة. تواصل مع مسؤول المنصة.
login-disabled = هذا الحساب معطّل. تواصل مع المسؤول لديك.

## Shell
nav-main = التنقل الرئيسي
nav-home = نظرة عامة
nav-tenants = المستأجرون
nav-users = المستخدمون
nav-audit = التدقيق
shell-sign-out = تسجيل الخروج
shell-signed-in-as = مسجّل الدخول باسم
shell-platform = المنصة
shell-skip-link = انتقل إلى المحتوى
shell-menu = القائمة
shell-menu-close = أغلق القائمة
toast-dismiss = إغلاق
loading = جارٍ التحميل…

## Overview
home-title = نظرة عامة
home-tenants = المستأجرون
home-users = المستخدمون
home-active-tenants = المستأجرون النشطون
home-welcome = مرحبًا، { $name }.

## Common
action-save = حفظ
action-cancel = إلغاء
action-edit = تعديل
action-delete = حذف
action-search = بحث
action-copied = تم النسخ
field-name = الاسم
field-email = البريد الإلكتروني
field-created = تاريخ الإنشاء
field-updated = تاريخ التحديث
field-status = الحالة
field-role = الدور
field-plan = الخطة
field-tenant = المستأجر
field-slug = المعرّف المختصر
field-last-login = آخر تسجيل دخول
never = أبدًا
table-empty = لا توجد نتائج مطابقة.
table-page = الصفحة { $page } من { $pages }
table-total = { $total ->
    [zero] لا توجد نتائج
    [one] نتيجة واحدة
    [two] نتيجتان
    [few] { $total } نتائج
    [many] { $total } نتيجة
   *[other] { $total } نتيجة
}
table-total-at-least = { $total }+ نتيجة
table-total-about = نحو { $total } نتيجة
table-page-open = الصفحة { $page }
table-first = الصفحة الأولى
combobox-none = لا توجد نتيجة مطابقة.
deleg-delegate-placeholder = اكتب اسمًا أو بريدًا إلكترونيًا
tenant-search-placeholder = اكتب اسم المستأجر أو معرّفه المختصر
table-per-page = عدد الصفوف في الصفحة
table-prev = الصفحة السابقة
table-next = الصفحة التالية
search-label = بحث
sort-by = الترتيب حسب { $column }

## Tenants
tenants-title = المستأجرون
tenants-new = مستأجر جديد
tenants-create = إنشاء مستأجر
tenants-created = تم إنشاء المستأجر.
tenants-updated = تم حفظ المستأجر.
tenants-deleted = تم حذف المستأجر.
tenants-suspended = تم تعليق المستأجر.
tenants-reactivated = تمت إعادة تفعيل المستأجر.
tenants-suspend = تعليق
tenants-reactivate = إعادة التفعيل
tenants-edit-title = تعديل المستأجر
tenants-users = المستخدمون
tenants-user-count = المستخدمون
tenants-active-users = المستخدمون النشطون
tenants-delete-title = حذف المستأجر
tenants-delete-warning = سيؤدي هذا إلى حذف المستأجر وجميع مستخدميه. لا يمكن التراجع عن هذا الإجراء.
tenants-delete-confirm = اكتب المعرّف المختصر “{ $slug }” للتأكيد
tenants-delete-button = حذف هذا المستأجر
tenants-search-placeholder = الاسم أو المعرّف المختصر
tenants-add-user = إضافة مستخدم
plan-free = المجانية
plan-starter = المبتدئة
plan-professional = الاحترافية
plan-enterprise = المؤسسات
tenant-status-active = نشط
tenant-status-suspended = معلّق

## Users
users-title = المستخدمون
users-new = مستخدم جديد
users-create = إنشاء مستخدم
users-created = تم إنشاء المستخدم.
users-updated = تم حفظ المستخدم.
users-deleted = تم حذف المستخدم.
users-disabled = تم تعطيل المستخدم.
users-enabled = تم تفعيل المستخدم.
users-disable = تعطيل
users-enable = تفعيل
users-reset-password = إعادة تعيين كلمة المرور
users-password-reset = تمت إعادة تعيين كلمة المرور. شارك كلمة المرور الجديدة بطريقة آمنة؛ فهي لا تُعرض إلا مرة واحدة.
users-password = كلمة المرور الأولية
users-password-hint = اتركه فارغًا لتوليد كلمة مرور تلقائيًا.
users-generated-password = كلمة المرور للحساب { $email }: تُعرض مرة واحدة فقط.
users-edit-title = تعديل المستخدم
users-delete-title = حذف المستخدم
users-delete-warning = سيؤدي هذا إلى حذف المستخدم وتسجيل خروجه من جميع الأجهزة.
users-delete-confirm = اكتب البريد الإلكتروني “{ $email }” للتأكيد
users-delete-button = حذف هذا المستخدم
users-erase-title = محو البيانات الشخصية
users-erase-warning = سيؤدي هذا إلى حذف المستخدم واستبدال بريده الإلكتروني واسمه باسم مستعار في كل موضع احتفظ فيه Atrium بنسخة منهما، بما في ذلك سجل التدقيق. تبقى إجراءاته في سجل التدقيق الذي يظل قابلًا للتحقق. لا يمكن التراجع عن هذا الإجراء.
users-erase-button = محو بيانات هذا الشخص
users-erased = تم محو البيانات الشخصية.
erase-not-resealed = لا يزال سجل التدقيق لمساحة العمل هذه بالتنسيق القديم. أعد تشغيل الخادم لإعادة ختمه، ثم أعد محاولة المحو.
users-search-placeholder = الاسم أو البريد الإلكتروني
role-viewer = مُشاهد
role-analyst = محلّل
role-manager = مدير
role-admin = مسؤول
role-super-admin = مسؤول أعلى
user-status-active = نشط
user-status-disabled = معطّل
users-not-self = لا يمكنك تنفيذ هذا الإجراء على حسابك الخاص.
users-own-role = لا يمكنك تغيير دورك بنفسك؛ اطلب ذلك من شخص أعلى منك.
users-role-above-own = لا يمكنك منح دور أعلى من دورك.
# Completes error-forbidden: "(needs a role above Manager)".
rank-above = دور أعلى من { $role }
users-open = فتح المستخدم

## Permissions: explanations
why-platform = يمتلك مسؤولو المنصة جميع الصلاحيات.
why-role = ممنوحة عبر الدور { $role }.
why-role-inherited = ممنوحة عبر الدور { $role } الذي يرثها من { $parent }.
why-set = ممنوحة عبر مجموعة الصلاحيات «{ $set }».
why-grant = ممنوحة مباشرةً من { $by }.
why-delegation = مفوَّضة من { $from } حتى { $until }.
why-not = غير ممنوحة: لا يوجد دور أو مجموعة صلاحيات أو منح مباشر أو تفويض يمنح { $permission }.

## Permissions: validation
perm-platform-only = { $permission } صلاحية على مستوى المنصة ولا يمكن منحها داخل مستأجر.
perm-unknown = صلاحية غير معروفة: { $permission }.
perm-not-held = لا يمكنك منح { $permission }: فأنت لا تمتلكها بنفسك (لا يمكن إعادة تمرير الصلاحيات المفوَّضة).
perm-bad-inherits = اختر دورًا مدمجًا أو مجموعة أخرى من مجموعات هذا المستأجر.
perm-cycle = سيؤدي ذلك إلى أن ترث المجموعة من نفسها.
perm-set-name-taken = يوجد بالفعل مجموعة صلاحيات أخرى بهذا الاسم.
perm-set-has-children = المجموعة «{ $child }» مبنية على هذه المجموعة؛ عدّلها أولًا.
perm-choose-delegate = اختر زميلًا في مساحة العمل الخاصة بك.
perm-choose-some = اختر صلاحية واحدة على الأقل.
perm-expiry-required = اختر موعد انتهاء التفويض.
perm-expiry-past = يجب أن يكون موعد الانتهاء في المستقبل.
perm-expiry-too-far = لا تتجاوز مدة التفويض 90 يومًا.
perm-not-self = لا يمكنك التفويض لنفسك.
perm-already-revoked = انتهى هذا التفويض بالفعل.

## Roles & permissions page
nav-roles = الأدوار والصلاحيات
nav-delegations = التفويضات
roles-title = الأدوار والصلاحيات
roles-inherits = يرث { $parent }
roles-platform-wide = على مستوى المنصة
roles-matrix = مصفوفة الصلاحيات
roles-permission = الصلاحية
roles-granted = ممنوحة
roles-not-granted = غير ممنوحة
roles-copy = نسخ { $role } إلى مجموعة جديدة
roles-sets = مجموعات الصلاحيات المخصّصة
roles-new-set = مجموعة صلاحيات جديدة
roles-no-sets = لا توجد بعد مجموعات صلاحيات مخصّصة في مساحة العمل هذه.
roles-tenant = المستأجر
roles-show = عرض
set-title-new = مجموعة صلاحيات جديدة
set-title-edit = تعديل مجموعة الصلاحيات
set-description = الوصف
set-inherits = مبنية على
set-inherits-nothing = لا شيء (الصلاحيات المحدّدة أدناه فقط)
set-inherits-role = الدور: { $role }
set-inherits-set = المجموعة: { $set }
set-permissions = الصلاحيات
set-save = حفظ مجموعة الصلاحيات
set-saved = تم حفظ مجموعة الصلاحيات.
set-delete = حذف مجموعة الصلاحيات
set-delete-warning = يفقد كل من يحمل هذه المجموعة الصلاحيات التي تمنحها، فورًا.
set-delete-confirm = احذفها الآن
set-deleted = تم حذف مجموعة الصلاحيات.

## User permissions tab
user-tab-details = التفاصيل
user-tab-permissions = الصلاحيات
user-effective = الصلاحيات الفعلية
user-source = ممنوحة عبر
user-sets = مجموعات الصلاحيات
user-no-sets = لم تُعيَّن أي مجموعات صلاحيات.
user-assign-set = تعيين مجموعة
user-assign = تعيين
user-unassign = إزالة { $set }
user-grants = صلاحيات ممنوحة إضافية
user-no-grants = لا توجد صلاحيات ممنوحة إضافية.
user-add-grant = إضافة صلاحية ممنوحة
user-grant = منح
user-remove-grant = إزالة { $permission }
user-why = لماذا يستطيع هذا المستخدم…؟
user-why-permission = الصلاحية المطلوب شرحها
user-why-ask = شرح
user-why-allowed = مسموح.
user-why-denied = غير مسموح.
user-permissions-changed = تم تحديث الصلاحيات.

## Delegations page
deleg-title = التفويضات
deleg-new = تفويض الصلاحيات
deleg-delegate = الزميل
deleg-permissions = الصلاحيات المراد إعارتها
deleg-expires = ينتهي في (UTC)
deleg-reason = السبب (اختياري)
deleg-create = تفويض
deleg-created = تم إنشاء التفويض.
deleg-revoke = إلغاء التفويض
deleg-revoked = تم إلغاء التفويض.
deleg-given = الممنوحة مني
deleg-received = المستلمة
deleg-all = جميع التفويضات في مساحة العمل هذه
deleg-none = لا يوجد.
deleg-from = من
deleg-to = إلى
deleg-until = حتى
deleg-status = الحالة
deleg-active = نشط
deleg-ended = منتهٍ
deleg-cannot = لا تمتلك أي صلاحيات يمكنك تفويضها (يتطلب التفويض الصلاحية permissions:delegate).
deleg-platform = تكون التفويضات بين مستخدمي مساحة عمل واحدة؛ ولا توجد تفويضات لمسؤولي المنصة.
## Audit
audit-title = سجل التدقيق
audit-verify = التحقق من السلسلة
audit-export-csv = تصدير CSV
audit-export-json = تصدير JSON
audit-filters = عوامل تصفية التدقيق
audit-all-tenants = جميع المستأجرين
audit-platform-events = أحداث المنصة
audit-actor-placeholder = البريد الإلكتروني أو معرّف المنفِّذ
audit-action-placeholder = مثل tenant.update أو tenant.
audit-entity-type = نوع الكيان
audit-entity-id = معرّف الكيان
audit-any = أي
audit-from = من
audit-to = إلى
audit-security-only = أحداث الأمان فقط
audit-apply = تطبيق عوامل التصفية
audit-clear = مسح عوامل التصفية
audit-col-time = الوقت
audit-col-actor = المنفِّذ
audit-col-action = الإجراء
audit-col-entity = الكيان
audit-col-ip = عنوان IP
audit-col-details = التفاصيل
audit-actor-system = النظام
audit-actor-anonymous = مجهول
audit-security-badge = أمان
audit-show-changes = عرض التغييرات
audit-changed-fields = الحقول المتغيّرة
audit-unchanged-fields = { $count ->
    [zero] لا توجد حقول غير متغيّرة
    [one] حقل واحد غير متغيّر
    [two] حقلان غير متغيّرين
    [few] { $count } حقول غير متغيّرة
    [many] { $count } حقلًا غير متغيّر
   *[other] { $count } حقل غير متغيّر
}
audit-unchanged-caption = الحقول غير المتغيّرة
audit-no-changes = لم تُسجَّل أي قيم قبل التغيير أو بعده.
audit-field = الحقل
audit-before = قبل
audit-after = بعد
audit-request-id = معرّف الطلب
audit-user-agent = وكيل المستخدم
audit-chain-position = الموضع في السلسلة
audit-unchained = غير مرتبط بالسلسلة (كُتب قبل وجود السلسلة)
audit-pagination = صفحات سجل التدقيق
audit-verify-intact = السلسلة سليمة.
audit-verify-broken = السلسلة مكسورة.
audit-verify-summary = تم التحقق من { $rows } من الصفوف في { $chains ->
    [zero] { $chains } سلسلة
    [one] سلسلة واحدة
    [two] سلسلتين
    [few] { $chains } سلاسل
    [many] { $chains } سلسلة
   *[other] { $chains } سلسلة
}.
audit-verify-unchained = { $count } من الصفوف الأقدم تسبق وجود السلسلة ولم يتم التحقق منها.
audit-verify-erased = مُحيت البيانات الشخصية من { $count } منها: أسماؤها المستعارة غير مضمونة، أما كل ما عداها فمضمون.
audit-verify-break = { $chain }: أول رابط مكسور في الموضع { $seq } (الصف { $row }): { $reason }
audit-break-altered = تم تغيير صف بعد كتابته.
audit-break-link = صف لا يتبع الصف الذي قبله (استُبدل أو أُعيد حساب تجزئته).
audit-break-missing = صف مفقود (محذوف).
audit-break-tail = أحدث الصفوف مفقودة (محذوفة).
audit-break-personal = تم تغيير البيانات الشخصية لصف (البريد الإلكتروني أو العنوان أو الوكيل أو الاسم) دون عملية محو.
audit-export-format = اختر csv أو json.
audit-verify-result = نتيجة التحقق من السلسلة

## Audit retention
audit-retention = الاحتفاظ بإدخالات التدقيق لمدة (أيام)
audit-retention-save = حفظ مدة الاحتفاظ
audit-retention-saved = تم حفظ مدة الاحتفاظ.
audit-retention-range = اختر عددًا صحيحًا من الأيام بين 30 و3650.
audit-retention-hint = تُحذف الإدخالات الأقدم كل ساعة؛ وتُبقي نقطة تحقق السلسلة قابلة للتحقق.

## Analytics
valid-metric-name = تستخدم أسماء المقاييس أحرفًا لاتينية صغيرة وأرقامًا و"_" و"." (128 حرفًا كحد أقصى).
valid-metric-unknown = لم يتلقَّ أي مقياس بهذا الاسم نقاطًا بعد.
valid-metric-unit = يجب ألا تتجاوز الوحدة 32 حرفًا.
valid-metric-description = يجب ألا يتجاوز الوصف 500 حرف.
valid-range = اختر أحد النطاقات الزمنية المدرجة.
valid-range-from = أدخل البداية بصيغة تاريخ ووقت.
valid-range-to = أدخل النهاية بصيغة تاريخ ووقت.
valid-range-order = يجب أن تكون النهاية بعد البداية.
valid-range-span = لا يمكن أن يتجاوز النطاق الزمني 800 يوم.
valid-bucket = اختر دقيقة أو ساعة أو يومًا.
valid-bucket-too-fine = تُنتج فترة التجميع هذه أكثر من { $max } نقطة لهذا النطاق الزمني؛ اختر فترة أوسع.
valid-label-filter = اكتب عوامل تصفية التسميات بالصيغة key=value، مفصولة بفواصل.
stat-avg = المتوسط
stat-min = الحد الأدنى
stat-max = الحد الأقصى
stat-p50 = p50
stat-p95 = p95
stat-p99 = p99
stat-count = العدد
stat-rate = المعدل (نقطة/ث)
analytics-export-format = اختر CSV أو JSON.
nav-analytics = التحليلات
analytics-title = التحليلات
analytics-tenant = المستأجر المراد عرضه
analytics-show = عرض
analytics-controls = إعدادات المخطط
analytics-metric = المقياس
analytics-range = النطاق الزمني
analytics-range-15m = آخر 15 دقيقة
analytics-range-1h = آخر ساعة
analytics-range-24h = آخر 24 ساعة
analytics-range-7d = آخر 7 أيام
analytics-range-30d = آخر 30 يومًا
analytics-range-custom = مخصص
analytics-from = من (UTC)
analytics-to = إلى (UTC)
analytics-bucket = فترة التجميع
analytics-bucket-auto = تلقائي
analytics-bucket-minute = دقيقة
analytics-bucket-hour = ساعة
analytics-bucket-day = يوم
analytics-labels = تصفية التسميات
analytics-stats = الإحصاءات
analytics-apply = تطبيق
analytics-export-csv = تصدير CSV
analytics-export-json = تصدير JSON
analytics-table = جدول البيانات
analytics-table-caption = { $metric } حسب فترة التجميع، الأحدث أولًا
analytics-col-time = الوقت
analytics-no-points = لا توجد نقاط في هذا النطاق الزمني.
analytics-caption = { $from } – { $to } · فترة التجميع: { $bucket } · عدد النقاط: { $count }
analytics-chart-label = مخطط { $metric }: عدد فترات التجميع { $points }، وعدد الحالات الشاذة { $anomalies }. يحتوي جدول البيانات أدناه على القيم.
analytics-trend = الاتجاه
analytics-forecast = التنبؤ
analytics-forecast-band = نطاق التنبؤ (95%)
analytics-anomalies = الحالات الشاذة
analytics-trend-note = الاتجاه: { $slope } لكل ساعة.
analytics-forecast-holt = التنبؤ: طريقة Holt الخطية، بخط متقطع، مع نطاق ثقة 95%.
analytics-forecast-seasonal = التنبؤ: طريقة Holt-Winters بموسم طوله { $season } من فترات التجميع، بخط متقطع، مع نطاق ثقة 95%.
analytics-anomalies-count = الحالات الشاذة ({ $count })
analytics-anomalies-none = لا توجد نقطة تتجاوز 3σ مقارنةً بفترات التجميع الثلاثين السابقة لها.
analytics-anomaly = { $value } بينما كانت القيمة المتوقعة { $expected } ({ $score }σ)
analytics-metric-details = تفاصيل المقياس
analytics-unit = الوحدة
analytics-description = الوصف
analytics-save-metric = حفظ
analytics-metric-saved = تم الحفظ.
analytics-empty-title = لا توجد مقاييس بعد
analytics-empty-body = تظهر المقاييس هنا بمجرد وصول النقاط. أنشئ مفتاح API بالنطاق metrics:write من صفحة مفاتيح API وأرسل دفعة، على سبيل المثال:
## API keys
nav-api-keys = مفاتيح API
keys-title = مفاتيح API
keys-show = عرض
keys-choose-tenant = اختر مستأجرًا لعرض مفاتيح API الخاصة به.
keys-quota = المفاتيح المستخدمة: { $count } من { $max } (خطة { $plan })
keys-list = المفاتيح
keys-none = لا توجد مفاتيح API بعد.
keys-none-filtered = لا توجد مفاتيح بهذه الحالة.
keys-all-statuses = جميع الحالات
keys-filter = تصفية
keys-pagination = صفحات مفاتيح API
keys-key = المفتاح
keys-scopes = النطاقات
keys-last-used = آخر استخدام
keys-expires = تاريخ الانتهاء
keys-actions = الإجراءات
keys-created-by = بواسطة { $name }
keys-grace-until = يظل المفتاح السابق صالحًا حتى { $time }
keys-status-active = نشط
keys-status-expired = منتهي الصلاحية
keys-status-revoked = مُبطَل
keys-scope-metrics-write = إرسال نقاط المقاييس
keys-scope-metrics-read = قراءة المقاييس عبر API
keys-scope-unknown = اختر أحد النطاقات المدرجة.
keys-scope-required = اختر نطاقًا واحدًا على الأقل.
keys-expiry-never = أبدًا
keys-expiry-days = { $days ->
    [zero] بعد { $days } يوم
    [one] بعد يوم واحد
    [two] بعد يومين
    [few] بعد { $days } أيام
    [many] بعد { $days } يومًا
   *[other] بعد { $days } يوم
}
keys-expiry-invalid = اختر «أبدًا» أو عددًا من الأيام بين 1 و730.
keys-new = مفتاح API جديد
keys-name-hint = ما الذي يستخدم هذا المفتاح، على سبيل المثال «استيعاب بيانات الإنتاج».
keys-create = إنشاء مفتاح
keys-created = تم إنشاء مفتاح API.
keys-collision = تعذّر إنشاء مفتاح فريد. يُرجى المحاولة مرة أخرى.
keys-platform-no-issue = يتولى مسؤولو مساحة العمل أنفسهم إصدار مفاتيح API وتدويرها.
keys-issued-title = انسخ مفتاح «{ $name }» الآن
keys-issued-once = لن ترى هذا المفتاح أو سر التوقيع الخاص به مرة أخرى.
keys-issued-store = احفظ كليهما في مدير الأسرار لديك؛ وإذا فقدتهما فقم بتدوير المفتاح.
keys-issued-done = لقد حفظتهما
keys-signing-secret = سر التوقيع
keys-copy-key = نسخ المفتاح
keys-copy-signing = نسخ سر التوقيع
keys-revoke = إبطال
keys-revoke-named = إبطال المفتاح { $name }
keys-revoke-title = إبطال «{ $name }»
keys-revoke-warning = تُرفض الطلبات المرسلة باستخدام { $key } فورًا. لا يمكن التراجع عن هذا الإجراء.
keys-revoke-confirm = اكتب بادئة المفتاح “{ $prefix }” للتأكيد
keys-revoke-button = إبطال هذا المفتاح
keys-revoke-sure = هل أنت متأكد؟
keys-revoked = تم إبطال مفتاح API.
keys-already-revoked = هذا المفتاح مُبطَل بالفعل.
keys-rotate = تدوير
keys-rotate-named = تدوير المفتاح { $name }
keys-rotate-title = تدوير «{ $name }»
keys-rotate-explain = يحل مفتاح جديد وسر توقيع جديد محل الحاليين. ويظل المفتاح الحالي صالحًا طوال فترة السماح التي تختارها، حتى تتمكن عمليات النشر من الانتقال إلى المفتاح الجديد.
keys-rotate-button = تدوير المفتاح
keys-rotated = تم تدوير مفتاح API. انسخ المفتاح الجديد الآن.
keys-not-active = لا يمكن تدوير إلا المفاتيح النشطة.
keys-grace = يظل المفتاح القديم صالحًا لمدة
keys-grace-none = بدون فترة سماح (يتوقف الآن)
keys-grace-1h = ساعة واحدة
keys-grace-24h = 24 ساعة
keys-grace-7d = 7 أيام
keys-grace-invalid = اختر إحدى فترات السماح المدرجة.
keys-signing-title = الاستيعاب الموقَّع
keys-signing-label = اشتراط الاستيعاب الموقَّع
keys-signing-hint = عند التفعيل، يجب أن يحمل كل طلب يُرسَل باستخدام مفتاح API (الاستيعاب والقراءة) الترويسة X-Atrium-Timestamp وقيمة X-Atrium-Nonce جديدة وتوقيع X-Atrium-Signature صالحًا (v2: HMAC-SHA256 باستخدام سر توقيع المفتاح على طريقة HTTP والمسار والاستعلام والمتن والطابع الزمني وقيمة nonce)؛ وتُرفض الطلبات غير الموقَّعة وقيم nonce المُعاد استخدامها.
keys-signing-on = أصبح الاستيعاب الموقَّع إلزاميًا الآن.
keys-signing-off = أصبح الاستيعاب الموقَّع اختياريًا الآن.
keys-signing-invalid = اختر «مُفعَّل» أو «معطَّل».

## Notification channels and deliveries
nav-channels = القنوات
channels-title = القنوات
channels-platform = تنتمي القنوات إلى مستأجر ويديرها مسؤولوه.
channels-list = القنوات
channels-none = لا توجد قنوات بعد. أضف قناة أدناه.
channels-kind = النوع
channels-kind-webhook = Webhook
channels-kind-slack = Slack
channels-kind-teams = Microsoft Teams
channels-kind-email = البريد الإلكتروني
channels-kind-invalid = اختر Webhook أو Slack أو Microsoft Teams أو البريد الإلكتروني.
channels-kind-fixed = لا يمكن تغيير نوع القناة؛ أنشئ قناة أخرى بدلًا من ذلك.
channels-kind-is = النوع: { $kind } (لا يمكن تغييره).
channels-target = يُرسَل إلى
channels-actions = الإجراءات
channels-status-on = مُفعَّلة
channels-status-off = معطَّلة: { $reason }
channels-status-off-plain = معطَّلة
channels-disabled-manual = عطّلها أحد الأشخاص
channels-disabled-failing = فشلت جميع عمليات التسليم لمدة طويلة جدًا
channels-disabled-gone = أجاب المستقبِل بالرمز 410 Gone
channels-failing-since = تفشل منذ { $time }
channels-overlap-until = يظل السر السابق يوقّع أيضًا حتى { $time }
channels-new = إضافة قناة
channels-create = إضافة القناة
channels-created = تمت إضافة القناة «{ $name }».
channels-updated = تم حفظ القناة «{ $name }».
channels-deleted = تم حذف القناة.
channels-url = عنوان URL
channels-url-hint = لقنوات Webhook وSlack وTeams: عنوان http:// أو https:// الذي تُرسَل إليه الإشعارات.
channels-recipients = المستلمون
channels-recipients-hint = لقنوات البريد الإلكتروني: عناوين مفصولة بفواصل.
channels-url-invalid = أدخل عنوان URL كاملًا، مثل https://hooks.example.com/atrium.
channels-url-scheme = لا يمكن تلقي الإشعارات إلا على عناوين URL من نوع http:// وhttps://.
channels-url-credentials = لا تُضمِّن أسماء المستخدمين وكلمات المرور في عنوان URL.
channels-url-blocked = هذا العنوان ({ $address }) يقع داخل شبكة خاصة؛ ولا يُرسِل الخادم إليه.
channels-url-unresolved = تعذّر تحليل اسم المضيف.
channels-recipient-invalid = «{ $address }» ليس عنوان بريد إلكتروني.
channels-recipients-required = أدخل عنوان بريد إلكتروني واحدًا على الأقل.
channels-recipients-too-many = أدخل ما لا يزيد على { $max } من العناوين.
channels-email-unavailable = تتطلب قنوات البريد الإلكتروني إعدادات SMTP للخادم (ATRIUM_SMTP_HOST)، وهي غير مضبوطة.
channels-name-taken = توجد قناة أخرى بهذا الاسم بالفعل.
channels-enabled-invalid = اختر «مُفعَّلة» أو «معطَّلة».
channels-edit-named = تعديل { $name }
channels-edit-title = تعديل «{ $name }»
channels-test = إرسال اختبار
channels-test-named = إرسال اختبار إلى { $name }
channels-test-title = إشعار تجريبي لـ { $name }
channels-test-body = هذه رسالة تجريبية من Atrium، أرسلها { $who }. إذا كان بإمكانك قراءتها، فالقناة تعمل.
channels-test-delivered = تم تسليم الاختبار: { $code } خلال { $ms } مللي ثانية
channels-test-pending = أُضيف الاختبار إلى قائمة الانتظار؛ وستُرسله إحدى عمليات المعالجة في الخلفية.
channels-test-failed = فشل الاختبار: { $error }
channels-test-channel-off = فعّل القناة قبل اختبارها.
channels-deliveries = عمليات التسليم
channels-turn-off = تعطيل
channels-turn-on = تفعيل
channels-turn-off-named = تعطيل { $name }
channels-turn-on-named = تفعيل { $name }
channels-turned-off = تم تعطيل القناة «{ $name }».
channels-turned-on = تم تفعيل القناة «{ $name }».
channels-delete-named = حذف { $name }
channels-delete-title = حذف «{ $name }»
channels-delete-sure = هل أنت متأكد؟
channels-delete-warning = سيُحذف سجل التسليم الخاص بها معها. وستتوقف قواعد التنبيه التي تستخدمها عن إرسال الإشعارات عبرها.
channels-delete-confirm = اكتب اسم القناة، { $name }، للتأكيد
channels-delete-button = حذف هذه القناة
channels-rotate = تدوير السر
channels-rotate-named = تدوير السر لـ { $name }
channels-rotate-title = تدوير سر التوقيع لـ «{ $name }»
channels-rotate-explain = سيوقّع سر جديد كل عملية تسليم من الآن فصاعدًا. وخلال فترة التداخل يوقّع السر السابق أيضًا، حتى يتمكن المستقبِلون من الانتقال دون فقدان أي رسائل.
channels-rotate-button = تدوير السر
channels-rotated = تم إصدار سر توقيع جديد.
channels-not-signed = قنوات Webhook وحدها لديها سر توقيع.
channels-overlap = يستمر السر السابق في التوقيع لمدة
channels-overlap-none = بدون تداخل (يتوقف فورًا)
channels-overlap-1h = ساعة واحدة
channels-overlap-24h = 24 ساعة
channels-overlap-7d = 7 أيام
channels-overlap-invalid = اختر المدة التي يستمر فيها السر السابق في التوقيع.
channels-secret-title = سر التوقيع لـ «{ $name }»
channels-secret-once = لن ترى هذا السر مرة أخرى.
channels-secret-explain = يتحقق المستقبِلون به من الترويسة webhook-signature (Standard Webhooks).
channels-secret = سر التوقيع
channels-copy-secret = نسخ السر
channels-secret-done = تم
channels-warning-title = قنوات معطَّلة
channels-warning-failing = تم تعطيل «{ $name }» في { $time } لأن جميع عمليات التسليم إليها فشلت لمدة طويلة جدًا.
channels-warning-gone = تم تعطيل «{ $name }» في { $time } لأن المستقبِل الخاص بها أجاب بالرمز 410 Gone.
channels-reenable = إعادة التفعيل
channels-reenable-named = إعادة تفعيل { $name }
channels-review = مراجعة القنوات
deliveries-title = سجل التسليم
deliveries-pagination = صفحات سجل التسليم
deliveries-none = لا توجد عمليات تسليم.
deliveries-channel = القناة
deliveries-all-channels = جميع القنوات
deliveries-all-statuses = أي حالة
deliveries-filter = تصفية
deliveries-event = الحدث
deliveries-attempts = المحاولات
deliveries-attempts-replayed = { $count } (أُعيد الإرسال { $replays }×)
deliveries-last-code = الرمز
deliveries-latency = زمن الاستجابة
deliveries-ms = { $ms } مللي ثانية
deliveries-response = الاستجابة أو الخطأ
deliveries-next = المحاولة التالية
deliveries-attempt-time = الوقت
deliveries-attempt-outcome = النتيجة
deliveries-status-pending = قيد الانتظار
deliveries-status-delivered = تم التسليم
deliveries-status-failed = فشل
deliveries-outcome-delivered = تم التسليم
deliveries-outcome-retry = فشل، وستُعاد المحاولة
deliveries-outcome-failed = فشل
deliveries-replay = إعادة الإرسال
deliveries-replay-named = إعادة إرسال «{ $title }»
deliveries-replayed = أُضيف التسليم إلى قائمة الانتظار مجددًا.
deliveries-replay-not-failed = لا يمكن إعادة إرسال إلا عمليات التسليم الفاشلة.
deliveries-replay-channel-off = فعّل القناة قبل إعادة إرسال عمليات التسليم الخاصة بها.
deliveries-error-timeout = لم تصل أي إجابة خلال { $ms } مللي ثانية.
deliveries-error-connect = تعذّر الاتصال: { $detail }
deliveries-error-status = أجاب المستقبِل بالرمز { $status }.
deliveries-error-abandoned = توقفت عملية المعالجة التي كانت تُجري المحاولة الأخيرة قبل تسجيلها.
deliveries-error-channel-off = تم تعطيل القناة.
deliveries-error-misconfigured = لم تعد وجهة القناة صالحة؛ عدّل القناة.
deliveries-error-no-smtp = لا توجد إعدادات SMTP على الخادم (ATRIUM_SMTP_HOST).
notify-event = الحدث
notify-severity = الخطورة
notify-open = فتح في Atrium

## API key authentication (REST and ingestion errors)
key-auth-missing = أرسل مفتاح API في الترويسة “Authorization: Bearer atr_…”.
key-auth-invalid = مفتاح API غير صالح: غير معروف أو مُبطَل أو منتهي الصلاحية.
key-auth-missing-scope = يفتقر مفتاح API هذا إلى النطاق { $scope }.
key-auth-signature-required = تتطلب مساحة العمل هذه طلبات موقَّعة: أرسل X-Atrium-Timestamp وX-Atrium-Nonce وX-Atrium-Signature.
key-auth-bad-signature = توقيع الطلب غير مطابق.
key-auth-signature-version = مخطط التوقيع هذا غير مدعوم: وقّع باستخدام v2 (الطابع الزمني وnonce وطريقة HTTP والمسار مع الاستعلام والمتن) وأرسل X-Atrium-Signature: v2=….
key-auth-invalid-nonce = يحتاج الطلب الموقَّع إلى X-Atrium-Nonce: من 16 إلى 64 حرفًا من A–Z وa–z و0–9 و“-” و“_”، بقيمة جديدة لكل طلب.
key-auth-replayed = سبق استخدام قيمة nonce هذه مع مفتاح API هذا: أرسل كل طلب بقيمة nonce جديدة.
key-auth-stale-signature = يختلف الطابع الزمني للطلب عن ساعة الخادم بأكثر من { $seconds } ثانية.
key-auth-suspended = مساحة العمل هذه معلّقة.
home-figures = لمحة سريعة عن المستأجرين
home-points-today = النقاط اليوم
home-points-24h = النقاط، آخر 24 ساعة
home-active-keys = المفاتيح النشطة
home-metrics = المقاييس
home-sparkline = النقاط في الساعة خلال آخر 24 ساعة لـ { $name }: الإجمالي { $total }
overview-chart-label = مخطط مباشر لـ { $metric } خلال الساعة الأخيرة: { $points } دقيقة. صفحة التحليلات فيها القيم.
## Live updates
live-status-connecting = جارٍ الاتصال…
live-status-live = مباشر
live-status-reconnecting = جارٍ إعادة الاتصال…
live-status-offline = غير متصل
live-status-retry = المحاولة التالية خلال { $seconds } ث (المحاولة رقم { $attempt }).
live-error-bad-command = تعذّر فهم تلك الرسالة.
live-error-tenant-required = حدّد المستأجر المراد متابعته.
live-error-forbidden-tenant = يمكنك متابعة مساحة العمل الخاصة بك فقط.
live-error-too-many-metrics = لا يمكن متابعة أكثر من { $max } من المقاييس في الوقت نفسه.
live-error-unknown-metric = أحد هذه المقاييس غير موجود في مساحة العمل هذه.
live-error-rate-limited = تغييرات كثيرة جدًا في الاشتراكات؛ انتظر بضع ثوانٍ.
## Alerts
nav-alerts = التنبيهات
alerts-title = التنبيهات
alerts-nav = التنبيه
alerts-nav-alerts = التنبيهات
alerts-nav-rules = القواعد
alerts-nav-silences = الكتم
alerts-nav-channels = القنوات
alerts-states = حالات التنبيه
alerts-pagination = صفحات قائمة التنبيهات
alerts-tab-firing = مُطلَقة
alerts-tab-acknowledged = تم الإقرار بها
alerts-tab-pending = قيد الانتظار
alerts-tab-resolved = محلولة
alerts-none-firing = لا توجد تنبيهات مُطلَقة.
alerts-none-acknowledged = لا توجد تنبيهات تم الإقرار بها.
alerts-none-pending = لا توجد تنبيهات قيد الانتظار.
alerts-none-resolved = لم تُحَل أي تنبيهات خلال آخر 7 أيام.
alert-state-pending = قيد الانتظار
alert-state-firing = مُطلَق
alert-state-acknowledged = تم الإقرار
alert-state-resolved = محلول
alert-state-no_data = لا توجد بيانات
alert-state-error = خطأ
severity-critical = حرجة
severity-high = عالية
severity-medium = متوسطة
severity-low = منخفضة
alerts-severity = الخطورة
alerts-alert = التنبيه
alerts-state = الحالة
alerts-value = القيمة
alerts-since = منذ
alerts-actions = الإجراءات
alerts-silenced = مكتوم
alerts-acknowledge = إقرار
alerts-resolve = حل
alerts-acknowledge-named = إقرار { $name }
alerts-resolve-named = حل { $name }
alerts-acknowledge-heading = إقرار «{ $name }»
alerts-resolve-heading = حل «{ $name }»
alerts-acknowledge-confirm = إقرار التنبيه
alerts-resolve-confirm = حل التنبيه
alerts-comment = تعليق (اختياري)
alerts-condition = الشرط
alerts-reason = السبب
alerts-labels = التسميات
alerts-no-labels = لا شيء
alerts-started = البدء
alerts-fired = الإطلاق
alerts-acknowledged = الإقرار
alerts-resolved = الحل
alerts-escalation = التصعيد
alerts-anomaly = كشف الشذوذ
alert-detail-title = التنبيه
alert-summary = ملخص التنبيه
alert-chart-heading = { $metric } حول وقت التنبيه
alert-chart-label = مخطط { $metric } حول وقت التنبيه؛ الحد { $threshold }
alert-chart-threshold = الحد: { $threshold }
alert-history = السجل
alert-deliveries = الإشعارات المرسلة
alert-edit-rule = تعديل القاعدة
history-opened = فُتح بحالة { $to }
history-moved = { $from } ← { $to }
history-notified = تم الإشعار
history-suppressed = تم حجب الإشعار
history-escalated = تم التصعيد
escalation-none = لا تتضمن القاعدة سياسة تصعيد.
escalation-next = الخطوة { $step } في { $time } ما لم يتم الإقرار
escalation-exhausted = نُفِّذت جميع خطوات التصعيد.
escalation-stopped = متوقف: { $state }
alerts-action-not-applicable = لم يعد التنبيه في حالة تسمح بهذا الإجراء.
alerts-valid-comment = يجب ألا يتجاوز التعليق 500 حرف.
## Alert rules
rules-title = قواعد التنبيه
rules-new = قاعدة جديدة
rules-none = لا توجد قواعد بعد.
rules-open = التنبيهات المفتوحة
rules-enabled = مفعّلة
rules-enabled-named = القاعدة { $name } مفعّلة
rules-for = لمدة { $duration }
rules-last-evaluated = آخر تقييم: { $time }.
rules-never-evaluated = لم يعمل المقيِّم بعد.
rules-delete-named = حذف { $name }
rules-delete-heading = حذف «{ $name }»؟
rules-delete-warning = ستُحذف معها تنبيهاتها وسجلها.
rules-delete-confirm = حذف القاعدة
rule-edit-title = قاعدة التنبيه
rule-new-heading = قاعدة تنبيه جديدة
rule-edit-heading = تعديل «{ $name }»
rule-no-metrics = لا توجد مقاييس في مساحة العمل هذه بعد: أرسل نقاط البيانات أولًا، ثم أنشئ قواعد عليها.
rule-description = الوصف
rule-condition = الشرط
rule-metric = المقياس
rule-series-filter = عامل تصفية السلاسل
rule-series-filter-hint = السلاسل التي تحمل هذه التسميات فقط، مثل region=eu, host=web-1. فارغ: جميع السلاسل.
rule-per-series = تنبيه واحد لكل سلسلة (بدلًا من تنبيه واحد للمقياس بأكمله)
rule-aggregation = التجميع
rule-comparison = المقارنة
rule-threshold = الحد
rule-threshold-hint = لا يُستخدم في كشف الشذوذ.
rule-window = نافذة التقييم
rule-duration-hint = مدة مثل 30s أو 5m أو 1h أو 1d.
rule-pending = فترة الانتظار
rule-pending-hint = المدة التي يجب أن يستمر فيها تحقق الشرط قبل إطلاق التنبيه (0s: فورًا).
rule-no-data = عند عدم وجود بيانات
rule-notify = الإشعارات
rule-labels = التسميات
rule-labels-hint = تُضاف إلى كل تنبيه، مثل team=payments؛ ويُطابَق الكتم عليها.
rule-group-by = التجميع حسب التسميات
rule-group-by-hint = التنبيهات التي تُطلَق معًا بقيم متساوية لهذه التسميات تشترك في إشعار واحد.
rule-channels = إشعار هذه القنوات
rule-no-channels = لا توجد قنوات بعد.
rule-find-channel = إضافة قناة أخرى
rule-find-channel-placeholder = البحث عن القنوات بالاسم
rule-cooldown = فترة التهدئة
rule-cooldown-hint = عدم الإشعار مجددًا للسلسلة نفسها خلال هذه المدة بعد إرسال إشعار.
rule-escalation = التصعيد
rule-escalation-hint = عندما يظل التنبيه مُطلَقًا دون إقرار، يتم إشعار قنوات إضافية. يؤدي الإقرار إلى إيقاف التصعيد.
rule-step-after = الخطوة { $step }: بعد
rule-step-channels = الخطوة { $step }: إشعار
rule-save = حفظ القاعدة
rule-test = اختبار على آخر 24 ساعة
aggregation-avg = المتوسط
aggregation-min = الحد الأدنى
aggregation-max = الحد الأقصى
aggregation-sum = المجموع
aggregation-count = العدد
aggregation-rate = المعدل (نقاط في الثانية)
aggregation-p50 = p50 (الوسيط)
aggregation-p95 = p95
aggregation-p99 = p99
comparison-gt = أعلى من (>)
comparison-gte = يساوي أو أعلى من (≥)
comparison-lt = أقل من (<)
comparison-lte = يساوي أو أقل من (≤)
comparison-anomaly = شذوذ (3σ عن الساعة الأخيرة)
no-data-no_data = إظهار تنبيه «لا توجد بيانات»
no-data-alerting = التعامل معها كتنبيه مُطلَق
no-data-ok = التعامل معها كحالة سليمة
channel-disabled = معطّلة
backtest-heading = الاختبار على البيانات السابقة
backtest-summary = عدد مرات الإطلاق التي كانت ستحدث خلال آخر 24 ساعة: { $count }.
backtest-detail = عدد مرات التقييم مع وجود بيانات منذ { $from }: { $evaluated }؛ القيمة الأكثر تطرفًا: { $peak }.
alerts-valid-name = أدخل اسمًا للقاعدة من 1 إلى 120 حرفًا.
alerts-name-taken = توجد قاعدة أخرى تحمل هذا الاسم.
alerts-valid-description = يجب ألا يتجاوز الوصف 1000 حرف.
alerts-unknown-metric = لا يوجد في مساحة العمل هذه مقياس باسم «{ $metric }».
alerts-valid-labels = «{ $part }» ليس زوجًا بالصيغة label=value.
alerts-valid-group-by = «{ $part }» ليس اسم تسمية.
alerts-valid-aggregation = اختر طريقة تجميع.
alerts-valid-comparison = اختر مقارنة.
alerts-valid-threshold = أدخل رقمًا.
alerts-valid-window = استخدم نافذة بين 1m و1d.
alerts-valid-pending = استخدم فترة انتظار بين 0s و1d.
alerts-valid-cooldown = استخدم فترة تهدئة بين 0s و7d.
alerts-valid-severity = اختر درجة الخطورة.
alerts-valid-no-data = اختر ما يعنيه عدم وجود بيانات.
alerts-valid-channel = اختر قنوات من مساحة العمل هذه.
alerts-valid-step-after = استخدم مدة بين 0s و7d.
alerts-valid-step-channels = اختر قناة واحدة على الأقل لهذه الخطوة.
alerts-valid-step-order = يجب أن تأتي كل خطوة بعد الخطوة السابقة.
## Silences
silences-title = الكتم
silences-new = كتم جديد
silences-none = لا يوجد كتم خلال آخر 7 أيام.
silences-rule = القاعدة
silences-any-rule = أي قاعدة
silences-rule-named = القاعدة { $name }
silences-matchers = مطابِقات التسميات
silences-matchers-hint = مثال: env=prod, host=~web-.* (العوامل = != =~ !~). يجب أن تتطابق جميعها.
silences-starts = البدء (UTC)
silences-starts-hint = فارغ: الآن.
silences-duration = المدة
silences-comment = التعليق
silences-create = إنشاء الكتم
silences-target = يكتم
silences-window = التوقيت
silences-end = إنهاء الآن
silence-active = نشط
silence-scheduled = مجدول
silence-ended = منتهٍ
alerts-silence-target = حدد قاعدة أو مطابِق تسميات واحدًا على الأقل.
alerts-valid-matcher = «{ $part }» ليس مطابِقًا مثل env=prod أو host=~web-.*.
alerts-valid-rule = اختر قاعدة من مساحة العمل هذه.
alerts-valid-starts = استخدم تاريخًا ووقتًا مثل 2026-11-21T14:00.
alerts-valid-silence-duration = استخدم مدة بين 1m و90d.
alerts-valid-silence-comment = اذكر السبب (من 1 إلى 500 حرف).
home-firing = التنبيهات المُطلَقة: { $count }

## IP blocks (/system/ip-blocks)
nav-ip-blocks = حظر عناوين IP
ip-blocks-title = حظر عناوين IP
ip-blocks-intro = عناوين تُرفض قبل تنفيذ أي شيء آخر. يؤدي تكرار الرفض بسبب تجاوز حد المعدل إلى حظر العنوان تلقائيًا لفترة؛ ويمكنك حظر عنوان أو نطاق يدويًا ورفع أي حظر.
ip-blocks-new = حظر عنوان أو نطاق
ip-blocks-network = العنوان أو النطاق
ip-blocks-network-hint = عنوان IPv4 أو IPv6 (192.0.2.7) أو نطاق CIDR (192.0.2.0/24).
ip-blocks-duration = المدة
ip-blocks-duration-1h = ساعة واحدة
ip-blocks-duration-24h = 24 ساعة
ip-blocks-duration-7d = 7 أيام
ip-blocks-duration-30d = 30 يومًا
ip-blocks-duration-lifted = حتى رفع الحظر
ip-blocks-reason = السبب
ip-blocks-create = حظر
ip-blocks-none = لا توجد عناوين محظورة.
ip-blocks-origin = المصدر
ip-blocks-origin-automatic = تلقائي
ip-blocks-origin-manual = يدوي
ip-blocks-since = منذ
ip-blocks-until = حتى
ip-blocks-until-lifted = حتى رفع الحظر
ip-blocks-actions = الإجراءات
ip-blocks-by = بواسطة { $name }
ip-blocks-lift = رفع الحظر
ip-blocks-lift-named = رفع الحظر عن { $network }
ip-blocks-valid-network = أدخل عنوان IP أو نطاق CIDR، مثل 192.0.2.7 أو 192.0.2.0/24.
ip-blocks-host-bits = يحتوي النطاق على بتات معيّنة بعد البادئة: اكتب العنوان الأول للشبكة (192.0.2.0/24، وليس 192.0.2.7/24).
ip-blocks-too-wide = هذا النطاق أوسع من أن يُحظر (بحد أقصى /8 لـ IPv4، و/16 لـ IPv6).
ip-blocks-own-address = سيؤدي هذا إلى حظر العنوان الذي سجّلت الدخول منه.
ip-blocks-valid-duration = اختر إحدى المدد المدرجة.
ip-blocks-reason-required = اذكر سبب حظر العنوان.
ip-blocks-reason-long = يجب ألا يتجاوز السبب 500 حرف.
ip-blocks-automatic-reason = عدد مرات الرفض بسبب تجاوز حد المعدل خلال وقت قصير: { $count }.

## Plans, limits and features
valid-choice = اختر أحد الخيارات المدرجة.
valid-limit-range = أدخل عددًا صحيحًا من { $min } إلى { $max }.
limit-users = الأعضاء
limit-api_keys = مفاتيح API النشطة
limit-metrics = المقاييس
limit-series = السلاسل
limit-points_per_day = النقاط في اليوم
limit-alert_rules = قواعد التنبيه
limit-channels = قنوات الإشعارات
limit-audit_retention_days = أطول مدة احتفاظ بسجل التدقيق (بالأيام)
limit-api_requests_per_key = طلبات API في الدقيقة لكل مفتاح
limit-api_requests_per_tenant = طلبات API في الدقيقة لمساحة العمل بأكملها
feature-anomaly_detection = كشف الشذوذ والتوقعات
feature-permission_sets = مجموعات صلاحيات مخصصة
feature-delegations = التفويضات
feature-escalation = تصعيد التنبيهات
feature-support_access = وصول الدعم من قِبل المنصة
limit-reached = بلغت مساحة العمل هذه الحد الأقصى البالغ { $max } لـ«{ $limit }» في خطة { $plan }. أزِل شيئًا لم تعد بحاجة إليه، أو اطلب من مسؤولي المنصة رفع الحد أو تغيير الخطة.
feature-off = «{ $feature }» ليست جزءًا من خطة { $plan }. اطلب من مسؤولي المنصة تغيير الخطة أو تفعيل الميزة لمساحة العمل هذه.
nav-plans = الخطط
plans-title = الخطط
plans-intro = الحدود والميزات التي تمنحها كل خطة. يُطبَّق أي تغيير فورًا على كل مساحات العمل المشتركة في الخطة، باستثناء مساحات العمل التي لها قيمة خاصة بها.
plans-limits = الحدود
plans-features = الميزات
plans-save = حفظ { $plan }
plans-saved = تم حفظ الخطة.
plans-tenant-count = { $count ->
    [zero] لا توجد مساحات عمل
    [one] مساحة عمل واحدة
    [two] مساحتا عمل
    [few] { $count } مساحات عمل
    [many] { $count } مساحة عمل
   *[other] { $count } مساحة عمل
}
plans-limit = الحد
entitlements-title = الخطة والحدود والميزات
entitlements-intro = القيم المتروكة فارغة تتبع خطة { $plan }. القيمة المعيّنة هنا تنطبق على مساحة العمل هذه فقط.
entitlements-plan-value = قيمة الخطة
entitlements-own-value = مساحة العمل هذه
entitlements-follow-plan = اتباع الخطة
entitlements-on = مفعّل
entitlements-off = معطّل
entitlements-save = حفظ الحدود والميزات
entitlements-saved = تم الحفظ.
entitlements-plan-default = القيمة الافتراضية للخطة ({ $state })
nav-usage = الاستخدام
usage-title = الاستخدام والحدود
usage-plan = خطة { $plan }
usage-of = { $used } من { $max }
usage-warning = بلغ «{ $limit }» نسبة { $percent }% من حده ({ $used } من { $max }).
usage-full = استُنفد «{ $limit }» ({ $used } من { $max }): سيُرفض إنشاء المزيد حتى تتم إزالة شيء ما أو رفع الحد.
usage-custom = معيّن لمساحة العمل هذه
usage-ceilings = المعدلات والحدود القصوى
usage-features = الميزات
usage-feature-on = مُضمّنة
usage-feature-off = غير مُضمّنة
audit-retention-plan-max = تحتفظ خطة { $plan } بسجل التدقيق لمدة أقصاها { $max } يوم. اطلب من مسؤولي المنصة مدة احتفاظ أطول.
feature-not-included = «{ $feature }» غير مُضمّنة في خطة مساحة العمل هذه.

## The tenant portal
portal-nav = التنقل في مساحة العمل
nav-branding = العلامة التجارية
portal-overview-usage = الاستخدام مقارنةً بخطتك
portal-overview-activity = النشاط الأخير
portal-overview-activity-empty = لم يحدث شيء هنا بعد.
portal-overview-all-usage = جميع الحدود
portal-overview-all-activity = سجل التدقيق الكامل
portal-not-member = أنت مسجّل الدخول إلى مساحة عمل أخرى. سجّل الخروج لتسجيل الدخول إلى هذه المساحة.
portal-header-untrusted = لا تُقبل الترويسة X-Tenant إلا من وكيل موثوق.
portal-unknown = لا توجد مساحة عمل على هذا العنوان.
branding-title = العلامة التجارية
branding-intro = كيف تبدو بوابة مساحة عملك لأعضائها: الاسم في رأس الصفحة، وشعارك، ولون رأس الصفحة والأزرار.
branding-name = الاسم المعروض
branding-name-hint = يظهر في رأس البوابة وفي صفحة تسجيل الدخول الخاصة بها. فارغ: { $name }.
branding-logo = عنوان URL للشعار
branding-logo-hint = عنوان https لصورة؛ يُعرض بارتفاع 40 بكسل كحد أقصى.
branding-color = اللون الأساسي
branding-color-hint = بالصيغة #rrggbb. يكون النص فوقه أسود أو أبيض، أيهما أوضح للقراءة.
branding-preview = معاينة
branding-preview-button = زر
branding-save = حفظ العلامة التجارية
branding-saved = تم حفظ العلامة التجارية.
branding-color-format = اكتب اللون بالرمز # متبوعًا بستة أرقام ست عشرية، مثل #1d4ed8.
branding-color-contrast = لا يتباين هذا اللون مع الصفحة البيضاء إلا بنسبة { $ratio }:1؛ وتحتاج الأزرار إلى { $min }:1 على الأقل. اختر لونًا أغمق.
branding-logo-https = يجب أن يكون الشعار عنوان https:// لصورة، دون اسم مستخدم أو كلمة مرور.
branding-logo-long = يجب ألا يتجاوز عنوان الشعار { $max } حرف.
branding-name-long = يجب ألا يتجاوز الاسم المعروض { $max } حرف، دون أحرف تحكم.

## Invitations
invitations-title = دعوة أشخاص
invitation-email = عنوان البريد الإلكتروني
invitation-send = إرسال الدعوة
invitations-none = لا توجد دعوات مفتوحة.
invitation-state = الحالة
invitation-expires = صلاحية الرابط حتى
invitation-actions = الإجراءات
invitation-resend = إرسال مجددًا
invitation-revoke = إبطال
invitation-resend-for = إرسال الدعوة إلى { $email } مجددًا
invitation-revoke-for = إبطال الدعوة المرسلة إلى { $email }
invitation-revoke-confirm = أتريد إلغاءها؟ سيتوقف الرابط المرسل إلى { $email } عن العمل فورًا.
invitation-revoke-now = ألغِها الآن
invitation-revoke-keep = أبقِها
invitation-unsent = لم تُرسَل
invitation-state-open = مفتوحة
invitation-state-expired = منتهية الصلاحية
invitation-state-accepted = مقبولة
invitation-state-revoked = مُبطَلة
invitation-sent = أُرسلت الدعوة إلى { $email }.
invitation-not-sent = حُفظت الدعوة إلى { $email }، لكن تعذّر إرسال بريدها الإلكتروني ({ $reason }). استخدم «إرسال مجددًا» عندما يعمل البريد.
invitation-no-smtp = تُرسَل الدعوات عبر البريد الإلكتروني، ولا يحتوي هذا الخادم على مُرحِّل بريد (ATRIUM_SMTP_HOST). اطلب من مشغّلي المنصة إعداد واحد.
invitation-member-exists = هذا العنوان يخص عضوًا في مساحة العمل هذه بالفعل.
invitation-already-open = لهذا العنوان دعوة مفتوحة بالفعل: أرسلها مجددًا أو أبطلها.
invitation-members-only = يرسل الأعضاء الدعوات من بوابة مساحة العمل.
invitation-closed-open = هذه الدعوة مفتوحة.
invitation-closed-expired = انتهت صلاحية هذه الدعوة. اطلب ممن دعاك إرسالها مجددًا.
invitation-closed-accepted = استُخدمت هذه الدعوة بالفعل. سجّل الدخول بدلًا من ذلك.
invitation-closed-revoked = سُحبت هذه الدعوة.
invitation-mail-subject = انضم إلى { $workspace } على Atrium
invitation-mail-intro = دعاك { $inviter } إلى { $workspace } على Atrium بدور { $role }.
invitation-mail-accept = الانضمام إلى { $workspace }
invitation-mail-expires = يعمل الرابط مرة واحدة فقط، حتى { $expires }.
invitation-mail-ignore = إذا لم تكن تتوقع هذه الدعوة، فتجاهل هذا البريد الإلكتروني.
invite-title = الانضمام إلى مساحة عمل
invite-heading = الانضمام إلى { $workspace }
invite-as = تمت دعوتك بالعنوان { $email }، بالدور { $role }.
invite-name = اسمك
invite-password = اختر كلمة مرور
invite-password-hint = 10 أحرف على الأقل.
invite-join = الانضمام إلى { $workspace }
invite-not-found = رابط الدعوة هذا غير صالح. اطلب رابطًا جديدًا ممن دعاك.
## Usage notices through channels
usage-notice-warning = بلغ { $limit } نسبة { $percent } % من حد خطة { $plan }
usage-notice-full = استُنفد { $limit } في خطة { $plan } ({ $used } من { $max })

## Statistics (T6)
statistics-title = الإحصاءات
statistics-platform = إحصاءات المنصة
statistics-tenants = مساحات العمل: { $tenants }، النشطة منها: { $active }.
statistics-members = الأعضاء
statistics-active = سجّلوا الدخول خلال الأيام الـ{ $days } الأخيرة
statistics-keys = مفاتيح API النشطة
statistics-metrics = المقاييس
statistics-points-today = نقاط البيانات اليوم
statistics-points-30 = نقاط البيانات خلال 30 يومًا
statistics-alerts = التنبيهات المفتوحة
statistics-no-alerts = لا يوجد
statistics-storage = التخزين (تقديري)
statistics-database = حجم قاعدة البيانات

## Data export and erasure
nav-data = البيانات
data-title = البيانات والخصوصية
data-export-title = تصدير مساحة العمل هذه
data-export-intro = نزّل كل ما تحتويه مساحة العمل هذه في أرشيف ZIP: ملف JSON واحد لكل جدول (الأعضاء، والمفاتيح من دون أسرارها، والقنوات، وقواعد التنبيه وسجلها، والمقاييس ونقاطها، والاستخدام، وسجل التدقيق) إضافةً إلى ملف بيان. يُبثّ الأرشيف أثناء قراءته، ويظهر تقدّمه أدناه.
data-export-button = تنزيل الأرشيف
data-export-member = تصدير البيانات
data-exports-recent = عمليات التصدير الأخيرة
data-exports-none = لا توجد عمليات تصدير بعد.
data-export-started = وقت البدء
data-export-scope = النطاق
data-export-status = الحالة
data-export-progress = التقدّم
data-export-rows = الصفوف
data-export-size = الحجم
data-export-tables = الجداول: { $done } من { $total }
data-scope-workspace = مساحة العمل
data-scope-member = العضو { $id }
export-status-running = قيد التشغيل
export-status-done = مكتمل
export-status-failed = فشل
data-erase-title = مسح بيانات عضو
data-erase-intro = لمسح البيانات الشخصية لعضو، افتح صفحته ضمن «المستخدمون» واختر «مسح البيانات الشخصية». يُستبدل بريده الإلكتروني واسمه باسم مستعار في كل مكان، بما في ذلك سجل التدقيق، ويظل التحقق من سلامة السجل ممكنًا.

## Erasing a workspace
erasure-title = مسح مساحة العمل هذه
erasure-request-title = مسح مساحة العمل وكل ما فيها
erasure-warning = يُحذف كل عضو ومفتاح ومقياس ونقطة بيانات وتنبيه وقناة، إضافةً إلى سجل التدقيق، بعد { $hours } ساعة من تأكيدك، ولا يمكن استعادتها. وحتى ذلك الحين تظل مساحة العمل تعمل، ويمكنك أنت أو مسؤول المنصة الإلغاء. نزّل ملف التصدير أعلاه أولًا إن أردت الاحتفاظ بنسخة.
erasure-request-button = مسح مساحة العمل هذه
erasure-ask-admin = لا يمكن طلب مسح مساحة العمل إلا لمسؤوليها.
erasure-pending = ستُمسح مساحة العمل هذه في { $when }.
erasure-requested = طلبه { $who } في { $when }.
erasure-requested-unknown = عضو سابق
erasure-cancel = إلغاء المسح
erasure-cancelled = أُلغي المسح.
erasure-badge = المسح معلّق
erasure-already-pending = مسح مساحة العمل هذه مجدول بالفعل.
erasure-none-pending = لا يوجد مسح معلّق لمساحة العمل هذه.
erasure-notice-scheduled-title = مساحة العمل «{ $workspace }» مجدولة للمسح
erasure-notice-scheduled-body = طلب { $who } مسح مساحة العمل هذه. في { $when } سيُحذف نهائيًا كل عضو ومفتاح ومقياس وتنبيه وقناة، إضافةً إلى سجل التدقيق. وحتى ذلك الحين يمكن لأحد مسؤولي مساحة العمل (من صفحة «البيانات» الخاصة بها) أو لمسؤول المنصة إلغاؤه.
erasure-notice-cancelled-title = أُلغي مسح مساحة العمل «{ $workspace }»
erasure-notice-cancelled-body = ألغى { $who } المسح المخطط له في { $when }. لن يُحذف أي شيء.
erasure-under-way = انتهت المهلة والمسح جارٍ الآن؛ لم يعد من الممكن إلغاؤه.

## Portal security settings
nav-security = الأمان
security-title = الأمان
security-intro = المدة التي يبقى فيها أعضاؤك مسجّلي الدخول. اترك الحقل فارغًا لاستخدام قيمة المنصة؛ ولا يمكن أن تكون قيمتك إلا أقصر منها. يسري التغيير على الأعضاء المسجّلين حاليًا بدءًا من نقرتهم التالية.
security-idle = تسجيل الخروج بعد عدم النشاط (بالدقائق)
security-idle-hint = قيمة المنصة بالدقائق: { $minutes }.
security-max = أطول مدة للجلسة (بالساعات)
security-max-hint = قيمة المنصة بالساعات: { $hours }، بصرف النظر عن النشاط.
security-save = حفظ إعدادات الأمان
security-saved = حُفظت إعدادات الأمان.
security-range = أدخل عددًا صحيحًا من { $min } إلى { $max } { $unit }، أو اتركه فارغًا.
security-unit-minutes = دقيقة
security-unit-hours = ساعة


## Two-factor sign-in (issue 14)
nav-account = حسابك
account-title = حسابك
two-factor-title = تسجيل الدخول بالتحقق بخطوتين
two-factor-intro = بعد كلمة المرور، يطلب Atrium رمزًا من ستة أرقام من تطبيق مصادقة على هاتفك، فلا تكفي كلمة مرور مسروقة وحدها لفتح حسابك.
two-factor-off-label = متوقف
two-factor-on-since = مفعّل منذ { $date }
two-factor-backup-left = { $count ->
    [zero] لم يتبقَّ أي رمز احتياطي غير مستخدم.
    [one] يتبقى رمز احتياطي واحد غير مستخدم.
    [two] يتبقى رمزان احتياطيان غير مستخدمين.
    [few] يتبقى { $count } رموز احتياطية غير مستخدمة.
    [many] يتبقى { $count } رمزًا احتياطيًا غير مستخدم.
   *[other] يتبقى { $count } رمز احتياطي غير مستخدم.
}
two-factor-required-note = تشترط مساحة عملك تسجيل الدخول بالتحقق بخطوتين. أعدّه الآن؛ وإلا فسيُطلب منك ذلك عند تسجيل دخولك التالي.
two-factor-required-stays = تشترط مساحة عملك تسجيل الدخول بالتحقق بخطوتين، لذا لا يمكن إيقافه.
two-factor-set-up = إعداد تسجيل الدخول بالتحقق بخطوتين
two-factor-step-scan = امسح رمز QR بتطبيق مصادقة (أو اكتب فيه المفتاح أدناه).
two-factor-step-type = اكتب الرمز المكوّن من ستة أرقام الذي يعرضه التطبيق.
two-factor-qr-label = رمز QR للمفتاح الخاص بتطبيق المصادقة
two-factor-secret-label = المفتاح:
two-factor-first-code = الرمز من التطبيق
two-factor-confirm = تفعيل تسجيل الدخول بالتحقق بخطوتين
two-factor-backup-title = رموزك الاحتياطية
two-factor-backup-intro = يتيح لك كل رمز تسجيل الدخول مرة واحدة إن لم يكن هاتفك في متناولك. احفظها في مكان آمن، فهي لا تُعرض إلا الآن.
two-factor-continue = متابعة
two-factor-current-code = الرمز الحالي من تطبيقك (أو رمز احتياطي)
two-factor-renew = إصدار رموز احتياطية جديدة
two-factor-disable = إيقاف تسجيل الدخول بالتحقق بخطوتين
two-factor-verify-title = تسجيل الدخول بالتحقق بخطوتين
two-factor-verify-intro = أدخل الرمز المكوّن من ستة أرقام من تطبيق المصادقة.
two-factor-code = الرمز
two-factor-code-hint = أضعت هاتفك؟ أدخل أحد رموزك الاحتياطية بدلًا من ذلك.
two-factor-verify-submit = تحقّق
two-factor-start-over = تسجيل الدخول من جديد
two-factor-enrol-title = إعداد تسجيل الدخول بالتحقق بخطوتين
two-factor-enrol-intro = تشترط مساحة عملك تسجيل الدخول بالتحقق بخطوتين. أعدّه للمتابعة.
two-factor-expired = انتهت صلاحية خطوة تسجيل الدخول هذه أو سبق استخدامها. سجّل الدخول من جديد.
two-factor-locked = رموز خاطئة كثيرة جدًا. قُفل الحساب لمدة 15 دقيقة؛ سجّل الدخول من جديد بعد انقضائها.
two-factor-wrong = هذا الرمز غير صحيح أو سبق استخدامه. انتظر الرمز التالي وحاول مرة أخرى.
two-factor-format = أدخل الأرقام الستة من تطبيقك، أو رمزًا احتياطيًا مثل abcde-fghjk.
two-factor-format-totp = أدخل الأرقام الستة من تطبيقك.
two-factor-already-on = تسجيل الدخول بالتحقق بخطوتين مفعّل بالفعل.
two-factor-not-started = ابدأ الإعداد من جديد: فقد استُبدل المفتاح أو أُزيل.
two-factor-off = تسجيل الدخول بالتحقق بخطوتين متوقف.
two-factor-member-off = ليس لدى هذا العضو تسجيل دخول بالتحقق بخطوتين لإعادة تعيينه.
user-two-factor-reset = إعادة تعيين التحقق بخطوتين
user-two-factor-reset-hint = للعضو الذي أضاع هاتفه ورموزه الاحتياطية: يُزال عامل التحقق الثاني لديه ويُسجَّل خروجه من كل مكان.
user-two-factor-reset-done = أُعيد تعيين التحقق بخطوتين؛ وسُجِّل خروج العضو.
security-require-2fa = اشتراط تسجيل الدخول بالتحقق بخطوتين لكل عضو
security-require-2fa-hint = يُطلب من الأعضاء الذين لم يُعدّوه إعداده مباشرةً بعد إدخال كلمة المرور.
valid-password-common = هذه إحدى أكثر كلمات المرور شيوعًا، وهي أول ما يجرّبه المهاجمون. اختر كلمة مرور أخرى.
sessions-title = جلساتك
sessions-device = الجهاز
sessions-ip = العنوان
sessions-started = وقت تسجيل الدخول
sessions-last-seen = آخر استخدام
sessions-actions = الإجراءات
sessions-end = إنهاء
sessions-this-one = هذه الجلسة
sessions-unknown-device = جهاز غير معروف
sessions-end-others = إنهاء جميع الجلسات الأخرى
sessions-everywhere = تسجيل الخروج من كل مكان
sessions-ended-one = انتهت الجلسة.
sessions-ended-others = انتهت جميع الجلسات الأخرى.
password-title = كلمة المرور
password-intro = يؤدي تغييرها إلى تسجيل خروجك من كل مكان آخر.
password-current = كلمة المرور الحالية
password-new = كلمة المرور الجديدة
password-new-hint = 10 أحرف على الأقل، وألا تكون من أكثر كلمات المرور شيوعًا.
password-again = كلمة المرور الجديدة مرة أخرى
password-change = تغيير كلمة المرور
password-changed = تغيّرت كلمة المرور. انتهت جلساتك الأخرى.
password-mismatch = كلمتا المرور الجديدتان مختلفتان.
password-unchanged = كلمة المرور الجديدة مطابقة لكلمة المرور الحالية.
password-current-wrong = كلمة المرور الحالية غير صحيحة.
password-locked = كلمات مرور خاطئة كثيرة جدًا. حاول مرة أخرى بعد 15 دقيقة.
user-sessions-end = إنهاء جميع جلساته
user-sessions-ended = سُجِّل خروج العضو من كل مكان.
support-start = تسجيل الدخول بصفة هذا العضو
support-submit = بدء وصول الدعم
support-intro = لأغراض الدعم: ترى وتفعل ما يستطيعه العضو، بصفته هو. يرى العضو ومساحة عمله أنك فعلت ذلك، مع السبب الذي قدّمته، ويُسجَّل كل ما تفعله باسمَيكما معًا. ينتهي الوصول عندما تنهيه أنت، أو بعد ساعة.
support-reason = السبب
support-reason-hint = ما الذي تتحقق منه، للعضو ولسجل التدقيق (من 10 إلى 500 حرف).
support-reason-length = اذكر سببًا يتراوح طوله بين 10 و500 حرف.
support-refused = لا تسمح مساحة العمل هذه بوصول الدعم.
support-refused-plan = لا تتضمن خطة مساحة العمل وصول الدعم.
security-support-not-in-plan = لا تتضمن خطتك وصول الدعم، لذا لا يمكن لدعم المنصة تسجيل الدخول بصفة الأعضاء أيًّا كان هذا الإعداد.
support-user-disabled = هذا العضو معطّل؛ فعّله أولًا.
support-not-active = هذه ليست جلسة دعم.
support-not-credentials = غير متاح أثناء وصول الدعم: كلمة مرور العضو وعامل التحقق الثاني وجلساته أمور يغيّرها العضو بنفسه.
support-banner = { $by } مسجّل الدخول بصفة { $member } لأغراض الدعم. يُسجَّل كل ما يُجرى هنا باسمَي الاثنين معًا.
support-end = إنهاء وصول الدعم
security-allow-support = السماح لدعم المنصة بتسجيل الدخول بصفة الأعضاء
security-allow-support-hint = مع ذكر السبب، ولمدة ساعة كحد أقصى، مع إظهار ذلك في كل صفحة وتسجيله. يؤدي إيقاف هذا الخيار إلى إنهاء أي جلسة من هذا النوع.
audit-support-badge = وصول الدعم
audit-support-hint = نفّذ أحد مسؤولي المنصة هذا الإجراء وهو مسجّل الدخول بصفة هذا العضو؛ ويذكره الصف باسمه (impersonator_id).

## Single sign-on with OpenID Connect (issue 14)
login-sso = تسجيل الدخول باستخدام { $provider }
login-or = أو
login-sso-any = استخدام تسجيل الدخول الموحّد لمؤسستك
login-sso-workspace = مساحة العمل
login-sso-continue = متابعة
sso-refused-not-configured = لا توفّر مساحة العمل هذه تسجيل الدخول الموحّد. تحقّق من اسمها، أو سجّل الدخول بكلمة المرور.
sso-refused-state = لم يبدأ تسجيل الدخول هذا في هذا المتصفح، لذا أُوقف. يُرجى البدء من جديد.
sso-refused-expired = استغرق تسجيل الدخول هذا وقتًا طويلًا جدًا أو سبق استخدامه. يُرجى البدء من جديد.
sso-refused-provider = تعذّر على موفّر تسجيل الدخول إتمام تسجيل الدخول. يُرجى المحاولة مرة أخرى، أو مراجعة المسؤول.
sso-refused-token = تعذّر التحقق من ردّ موفّر تسجيل الدخول، لذا رُفض.
sso-refused-email-unverified = لم يؤكّد موفّر تسجيل الدخول عنوان بريدك الإلكتروني.
sso-refused-domain = عنوان بريدك الإلكتروني ليس من العناوين التي تقبلها مساحة العمل هذه عبر تسجيل الدخول الموحّد.
sso-refused-disabled = هذا الحساب معطّل. تواصل مع المسؤول.
sso-refused-limit = لا تتسع مساحة العمل هذه لعضو آخر. راجع مسؤولها.
sso-title = تسجيل الدخول الموحّد
sso-intro = اسمح للأعضاء بتسجيل الدخول عبر موفّر OpenID Connect الخاص بمؤسستك (Keycloak، Okta، Entra ID، Google Workspace…). يُسجَّل دخول من يملكون بريدًا إلكترونيًا مُتحقَّقًا منه ضمن النطاقات المسموح بها، ويُنشأ حسابهم عند أول تسجيل دخول لهم.
sso-redirect-uri = عنوان URI لإعادة التوجيه
sso-redirect-uri-hint = سجّل هذا العنوان لدى موفّرك بوصفه عنوان URI لإعادة التوجيه (callback) الخاص بالعميل.
sso-display-name = اسم الموفّر
sso-display-name-hint = يظهر على زر تسجيل الدخول: «تسجيل الدخول باستخدام …».
sso-issuer = عنوان URL للجهة المُصدِرة
sso-issuer-hint = يقرأ Atrium إعداداتها من المسار /.well-known/openid-configuration لهذا العنوان.
sso-client-id = معرّف العميل
sso-client-secret = سرّ العميل
sso-secret-hint = يُخزَّن مشفّرًا؛ ولن يُعرض مرة أخرى أبدًا.
sso-secret-kept = هناك سرّ مخزَّن (مشفّر). اترك هذا الحقل فارغًا للإبقاء عليه.
sso-domains = نطاقات البريد الإلكتروني المسموح بها
sso-domains-hint = مفصولة بفواصل، مثل example.com, example.org. تُدرج النطاقات الفرعية كلٌّ على حدة.
sso-default-role = دور الأشخاص الذين يُنشأ حسابهم عند أول تسجيل دخول
sso-enabled = يمكن للأعضاء تسجيل الدخول عبر هذا الموفّر
sso-save = حفظ تسجيل الدخول الموحّد
sso-saved = حُفظ تسجيل الدخول الموحّد.
sso-remove = إزالة تسجيل الدخول الموحّد
sso-remove-warning = لن يتمكن الأعضاء بعد الآن من تسجيل الدخول عبر { $provider }؛ ومن ليست لديه كلمة مرور يحتاج إلى أن يعيد مسؤولٌ تعيينها له.
sso-remove-confirm = إزالته الآن
sso-removed = أُزيل تسجيل الدخول الموحّد.
sso-no-key = لا يملك هذا الخادم مفتاح تشفير للأسرار. اضبط ATRIUM_ENCRYPTION_KEY (64 رقمًا ست عشريًا) ثم أعد تشغيله.
sso-secret-invalid = أدخل السرّ كما يعرضه موفّرك: 1024 حرفًا كحد أقصى في سطر واحد.
sso-text-invalid = استخدم سطرًا واحدًا من النص.
sso-role-too-high = اختر دورًا أدنى من دورك.
sso-issuer-https = يجب أن تكون الجهة المُصدِرة عنوان https.
sso-issuer-query = يجب أن يكون عنوان الجهة المُصدِرة خاليًا من ? و#.
sso-issuer-unreachable = لم يستجب أي موفّر OpenID على المسار /.well-known/openid-configuration لهذا العنوان (أو أنه يذكر جهة مُصدِرة أخرى).
sso-domain-invalid = أدخل أسماء نطاقات مثل example.com (من دون أحرف بدل).
sso-domains-required = أدخل نطاق بريد إلكتروني واحدًا على الأقل.
sso-domains-too-many = أدخل 50 نطاقًا كحد أقصى.
sso-changed-meanwhile = أُزيل تسجيل الدخول الموحّد في هذه الأثناء. أعد تحميل الصفحة وأدخل السرّ مرة أخرى.

## Theme (issue 15)
theme-label = السمة
theme-system = النظام
theme-light = فاتحة
theme-dark = داكنة
theme-invalid = اختر النظام أو فاتحة أو داكنة.

## اللغة (issue 15)
language-label = اللغة
language-invalid = اختر إحدى اللغات المعروضة.

## لوحة الأوامر واختصارات لوحة المفاتيح (issue 15)
action-close = إغلاق
palette-open = انتقل إلى…
palette-title = لوحة الأوامر
palette-placeholder = اكتب اسم صفحة أو شخص أو مقياس أو تنبيه…
palette-results = النتائج
palette-kind-page = صفحة
palette-kind-action = إجراء
palette-kind-tenant = مستأجر
palette-kind-user = مستخدم
palette-kind-metric = مقياس
palette-kind-alert = تنبيه
palette-new-tenant = مستأجر جديد
palette-new-user = مستخدم جديد
palette-new-rule = قاعدة تنبيه جديدة
palette-new-silence = كتم جديد
palette-new-key = مفتاح API جديد
palette-acknowledge = الإقرار بـ «{ $rule }»
palette-acknowledged = تم الإقرار بالتنبيه.
palette-nothing = لا شيء مطابق.
palette-count = { $count ->
    [zero] لا توجد نتائج
    [one] نتيجة واحدة
    [two] نتيجتان
    [few] { $count } نتائج
    [many] { $count } نتيجة
   *[other] { $count } نتيجة
}
shortcuts-open = اختصارات لوحة المفاتيح
shortcuts-title = اختصارات لوحة المفاتيح
shortcuts-palette = افتح لوحة الأوامر
shortcuts-help = اعرض هذه الاختصارات
shortcuts-choose = تنقّل بين نتائج اللوحة وافتح إحداها
shortcuts-close = أغلق نافذة حوار أو القائمة
shortcuts-tab = انتقل إلى عنصر التحكم التالي أو السابق

## منذ متى، أو بعد كم (locale::relative)
relative-now = الآن
relative-minutes-ago = { $count ->
    [one] منذ دقيقة
    [two] منذ دقيقتين
    [few] منذ { $count } دقائق
   *[other] منذ { $count } دقيقة
}
relative-hours-ago = { $count ->
    [one] منذ ساعة
    [two] منذ ساعتين
    [few] منذ { $count } ساعات
   *[other] منذ { $count } ساعة
}
relative-days-ago = { $count ->
    [one] منذ يوم
    [two] منذ يومين
    [few] منذ { $count } أيام
    [many] منذ { $count } يومًا
   *[other] منذ { $count } يوم
}
relative-minutes-ahead = { $count ->
    [one] خلال دقيقة
    [two] خلال دقيقتين
    [few] خلال { $count } دقائق
   *[other] خلال { $count } دقيقة
}
relative-hours-ahead = { $count ->
    [one] خلال ساعة
    [two] خلال ساعتين
    [few] خلال { $count } ساعات
   *[other] خلال { $count } ساعة
}
relative-days-ahead = { $count ->
    [one] خلال يوم
    [two] خلال يومين
    [few] خلال { $count } أيام
    [many] خلال { $count } يومًا
   *[other] خلال { $count } يوم
}

## شرط القاعدة، وسبب حالة التنبيه (تُحفظ رسائلَ وتُصاغ بلغة القارئ)
condition-threshold = { $stat } لـ { $metric } { $op } { $threshold } خلال { $window }
condition-anomaly = { $stat } لـ { $metric } غير معتاد خلال { $window }
reason-no-points-alerting = لا نقاط في آخر { $window } (يُعد إنذارًا)
reason-anomalous = { $stat } لـ { $metric } = { $value } غير معتاد
reason-anomalous-held = { $stat } لـ { $metric } = { $value } غير معتاد، مستمر منذ { $held }
reason-breach = { $stat } لـ { $metric } = { $value } { $op } { $threshold } خلال { $window }
reason-breach-held = { $stat } لـ { $metric } = { $value } { $op } { $threshold } خلال { $window }، مستمر منذ { $held }
reason-cleared = زال الشرط: { $stat } لـ { $metric } = { $value }
reason-no-points-clear = لا نقاط في آخر { $window } (يُعد سليمًا)
reason-no-data = لا نقاط في آخر { $window }
reason-error = { $error }
reason-silenced = الإشعار مكتوم حتى { $until } ({ $comment })
reason-cooldown = في فترة التهدئة: آخر إشعار { $last }، ولا إشعار حتى { $until }
reason-notified = أُرسل { $event } إلى { $channels ->
    [one] قناة واحدة
    [two] قناتين
    [few] { $channels } قنوات
   *[other] { $channels } قناة
}{ $others ->
    [0] {""}
    [one] ، مع تنبيه آخر في الرسالة نفسها
    [two] ، مع تنبيهين آخرين في الرسالة نفسها
    [few] ، مع { $others } تنبيهات أخرى في الرسالة نفسها
   *[other] ، مع { $others } تنبيهًا آخر في الرسالة نفسها
}
reason-escalation-silenced = خطوة التصعيد { $step } مكتومة ({ $comment })
reason-unacknowledged = دون إقرار منذ { $after }
reason-escalated = الخطوة { $step }: دون إقرار منذ { $after }، أُرسل إلى { $channels ->
    [one] قناة واحدة
    [two] قناتين
    [few] { $channels } قنوات
   *[other] { $channels } قناة
}
reason-acknowledged-by = أقرّ به { $name }
reason-acknowledged-by-comment = أقرّ به { $name }: { $comment }
reason-resolved-by = حلّه { $name }
reason-resolved-by-comment = حلّه { $name }: { $comment }

## إشعارات التنبيهات، بلغة القناة المستقبِلة
notify-word-firing = مُطلَق
notify-word-resolved = محلول
notify-word-acknowledged = تم الإقرار
notify-word-no-data = لا توجد بيانات
notify-word-error = خطأ
notify-word-escalated = مُصعَّد
notify-word-alert = تنبيه
notify-alert-title = { $count ->
    [one] {"["}{ $word }] { $rule }
   *[other] {"["}{ $word } ×{ $count }] { $rule }
}
notify-alert-body = { $condition } (الخطورة: { $severity })
notify-escalated-title = {"["}مُصعَّد · الخطوة { $step }] { $rule }
channels-language = لغة رسائلها
channels-language-invalid = اختر لغة من القائمة.

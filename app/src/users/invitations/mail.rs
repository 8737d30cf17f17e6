//! The invitation email, as plain text and HTML; every value in the HTML is escaped.

use super::types::Invitation;
use crate::i18n::{format_time, t, t_args};

pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The message inviting `invitation.email` to `workspace`, with the link that accepts it.
pub fn invitation(workspace: &str, inviter: &str, invitation: &Invitation, link: &str) -> Mail {
    let role = t(invitation.role.label_key());
    let expires = format_time(invitation.expires_at);
    let subject = t_args("invitation-mail-subject", &[("workspace", workspace)]);
    let intro = t_args(
        "invitation-mail-intro",
        &[("inviter", inviter), ("workspace", workspace), ("role", &role)],
    );
    let until = t_args("invitation-mail-expires", &[("expires", &expires)]);
    let ignore = t("invitation-mail-ignore");
    let text = format!("{intro}\n\n{link}\n\n{until}\n{ignore}\n");
    let escape = |value: &str| html_escape::encode_text(value).into_owned();
    let html = format!(
        "<!DOCTYPE html><html><body>\n<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n<p>{}</p>\n<p>{}</p>\n</body></html>\n",
        escape(&intro),
        html_escape::encode_double_quoted_attribute(link),
        escape(&t_args("invitation-mail-accept", &[("workspace", workspace)])),
        escape(&until),
        escape(&ignore),
    );
    Mail { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::InvitationId;
    use crate::permissions::types::Role;
    use crate::users::invitations::types::InvitationState;

    #[test]
    fn the_mail_carries_the_link_and_escapes_names() {
        let invited = Invitation {
            invitation_id: InvitationId(uuid::Uuid::nil()),
            email: "nina@acme.test".into(),
            role: Role::Manager,
            created_at: chrono::Utc::now(),
            sent_at: None,
            expires_at: chrono::Utc::now(),
            state: InvitationState::Open,
        };
        let mail = invitation(
            "<b>Acme</b>",
            "Alice",
            &invited,
            "http://127.0.0.1:3000/t/acme/invite/inv_x",
        );
        assert!(mail.subject.contains("<b>Acme</b>"), "the subject is text");
        assert!(mail.text.contains("http://127.0.0.1:3000/t/acme/invite/inv_x"));
        assert!(mail.html.contains("&lt;b&gt;Acme&lt;/b&gt;") && !mail.html.contains("<b>Acme"));
        assert!(
            mail.html
                .contains(r#"href="http://127.0.0.1:3000/t/acme/invite/inv_x""#)
        );
        assert!(mail.text.contains("Manager"));
    }
}

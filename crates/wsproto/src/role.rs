//! Which end of the connection this core plays (RFC 6455 §5.1).

/// The endpoint role. It decides who masks: a client masks every frame it
/// sends and the server must not; each side fails the connection when the
/// peer breaks that rule (RFC 6455 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Accepts connections; sends unmasked frames; requires masked input.
    Server,
    /// Opens connections; masks outgoing frames; requires unmasked input.
    Client,
}

impl Role {
    /// Whether frames this endpoint sends carry a mask.
    pub fn masks_outgoing(self) -> bool {
        matches!(self, Role::Client)
    }

    /// Whether frames this endpoint receives must carry a mask.
    pub fn expects_masked_input(self) -> bool {
        matches!(self, Role::Server)
    }
}

-- 0007 (part 2, secret vaults): named vaults per workspace and their secrets. A value is stored only as
-- libsodium XChaCha20-Poly1305 ciphertext with its own random nonce, bound to its vault and name.
CREATE TABLE secret_vaults (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (workspace_id, name)
);
CREATE TABLE secrets (
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  nonce BLOB NOT NULL,
  ciphertext BLOB NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (vault_id, name)
) WITHOUT ROWID;

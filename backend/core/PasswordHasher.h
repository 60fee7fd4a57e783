// Password hashing for user accounts: Argon2id (libargon2) in PHC string form, constant-time verification,
// and a dummy verification so a login for an unknown email costs as much as one for a known email.
#pragma once

#include <QString>

class PasswordHasher
{
public:
    // OWASP's recommended Argon2id setting for servers: 19 MiB, 2 passes, 1 lane (about 0.1 s on one core).
    static constexpr quint32 kMemoryKiB = 19456;
    static constexpr quint32 kIterations = 2;
    static constexpr quint32 kParallelism = 1;
    static constexpr int kSaltBytes = 16;
    static constexpr int kHashBytes = 32;
    // Callers refuse longer passwords (UTF-8 bytes) before hashing; hash()/verify() refuse them too.
    static constexpr int kMaxPasswordBytes = 1024;
    static constexpr int kMinPasswordBytes = 1;
    // verify() refuses encodings asking for more than this (a tampered row must not cost gigabytes).
    static constexpr quint32 kMaxMemoryKiB = 262144;
    static constexpr quint32 kMaxIterations = 10;
    static constexpr quint32 kMaxParallelism = 8;
    // Stored encodings longer than this are malformed (ours are ~97 characters).
    static constexpr int kMaxEncodedLength = 512;

    // "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" with a fresh 16-byte salt from the OS CSPRNG.
    // Empty string on failure (empty or oversized password, no randomness, out of memory).
    static QString hash(const QString &password);

    // True only when `encoded` is a well-formed Argon2id encoding of `password` (constant-time compare);
    // false for a wrong password, an oversized password, or a malformed/other-algorithm encoding.
    static bool verify(const QString &encoded, const QString &password);

    // True when `encoded` was made with other parameters than today's: re-hash after a successful login.
    static bool needsRehash(const QString &encoded);

    // Does the work of one verify() against a fixed hash with the same parameters and returns false:
    // call it when the account does not exist, so timing does not tell which emails are registered.
    static bool dummyVerify(const QString &password);

    // The fixed hash dummyVerify() checks against (exposed for a test that its parameters match ours).
    static const char *dummyEncoding();
};

/*
 * Links what the guest's ACME client needs from outside into the image: a
 * Xen guest has no files to read them from at run time. The build sets
 * UNIHOST_ACME_CA_PATH, the roots the CA's own HTTPS must chain to (what
 * --acme-ca names on tap), and UNIHOST_ACME_ACCOUNT_KEY_PATH, the ACME
 * account's P-256 private key (make xen XEN_ACME_CA=FILE
 * XEN_ACME_ACCOUNT_KEY=FILE). No roots: the guest refuses --acme-directory.
 * No account key: a new account at every boot. The image then holds the
 * account key: keep it as private as the key file itself.
 */
    .section .rodata.unihost_acme, "a"
    .globl unihost_acme_ca
unihost_acme_ca:
    .incbin UNIHOST_ACME_CA_PATH
    .globl unihost_acme_ca_end
unihost_acme_ca_end:
    .globl unihost_acme_account_key
unihost_acme_account_key:
    .incbin UNIHOST_ACME_ACCOUNT_KEY_PATH
    .globl unihost_acme_account_key_end
unihost_acme_account_key_end:
    .section .note.GNU-stack, "", @progbits

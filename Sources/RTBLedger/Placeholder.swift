public enum RTBLedgerPlaceholder {}

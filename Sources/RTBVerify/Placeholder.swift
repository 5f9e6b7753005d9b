public enum RTBVerifyPlaceholder {}

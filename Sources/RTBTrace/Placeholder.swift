public enum RTBTracePlaceholder {}

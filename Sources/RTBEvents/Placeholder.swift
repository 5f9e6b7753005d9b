public enum RTBEventsPlaceholder {}

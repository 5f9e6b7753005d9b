public enum RTBMarketPlaceholder {}

//! Alert, rule and silence pages.

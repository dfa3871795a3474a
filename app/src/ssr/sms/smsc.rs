//! SMSC.kz: the adapter is written from its published API documentation.

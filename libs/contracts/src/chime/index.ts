// DTOs and validation rules of the chime API; filled in by its app's issue.
export {};

// DTOs and validation rules of the ivschat API; filled in by its app's issue.
export {};

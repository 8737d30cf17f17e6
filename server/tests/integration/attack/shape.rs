//! Learns a server function's arguments from its `Deserialize` impl: a deserializer that answers
//! every request with a harmless value and records what type was asked for, field by field. The
//! attack suite uses it so a new server function is probed without anyone writing its arguments.

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// What one argument is, as far as a form needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Text,
    Bool,
    Number,
    Optional(Box<Shape>),
    List(Box<Shape>),
    /// A map from text keys (`limits[users]=…`) to values of this shape.
    Map(Box<Shape>),
    /// Anything else (a nested struct, an enum): reported so the suite can fail loudly.
    Other(&'static str),
    /// Not asked for yet (an internal placeholder).
    Unknown,
}

/// The argument names and shapes of the server function input `F`, in declaration order.
pub fn arguments<F: serde::de::DeserializeOwned>() -> Result<Vec<(&'static str, Shape)>, String> {
    let fields = Rc::new(RefCell::new(Vec::new()));
    F::deserialize(Top { fields: fields.clone() }).map_err(|e| e.to_string())?;
    let fields = fields.borrow().clone();
    Ok(fields)
}

#[derive(Debug)]
pub struct Error(String);
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Error {}
impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

type Fields = Rc<RefCell<Vec<(&'static str, Shape)>>>;

/// The input struct itself.
struct Top {
    fields: Fields,
}

impl<'de> Deserializer<'de> for Top {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("a server function input is a struct"))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        names: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_map(Arguments {
            names,
            next: 0,
            fields: self.fields,
        })
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

struct Arguments {
    names: &'static [&'static str],
    next: usize,
    fields: Fields,
}

impl<'de> MapAccess<'de> for Arguments {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some(name) = self.names.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize((*name).into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let name = self.names[self.next];
        self.next += 1;
        let slot = Rc::new(RefCell::new(Shape::Unknown));
        let value = seed.deserialize(Value { slot: slot.clone() })?;
        let shape = slot.borrow().clone();
        self.fields.borrow_mut().push((name, shape));
        Ok(value)
    }
}

/// One argument's value: records the type asked for and answers with a harmless one. Text is a
/// nil UUID so that id types (which read text) accept it as well as `String` does.
struct Value {
    slot: Rc<RefCell<Shape>>,
}

impl Value {
    fn record(&self, shape: Shape) {
        *self.slot.borrow_mut() = shape;
    }
}

const NIL: &str = "00000000-0000-0000-0000-000000000000";

impl<'de> Deserializer<'de> for Value {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.record(Shape::Text);
        visitor.visit_str(NIL)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.record(Shape::Bool);
        visitor.visit_bool(false)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.record(Shape::Number);
        visitor.visit_i64(0)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.record(Shape::Number);
        visitor.visit_u64(0)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.record(Shape::Number);
        visitor.visit_f64(0.0)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let inner = Rc::new(RefCell::new(Shape::Unknown));
        let value = visitor.visit_some(Value { slot: inner.clone() })?;
        let inner = inner.borrow().clone();
        self.record(Shape::Optional(Box::new(inner)));
        Ok(value)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let inner = Rc::new(RefCell::new(Shape::Unknown));
        let value = visitor.visit_seq(One {
            slot: Some(inner.clone()),
        })?;
        let inner = inner.borrow().clone();
        self.record(Shape::List(Box::new(inner)));
        Ok(value)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        self.record(Shape::Other(name));
        Err(de::Error::custom(format!("nested struct {name}")))
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let inner = Rc::new(RefCell::new(Shape::Unknown));
        let value = visitor.visit_map(OneEntry {
            slot: Some(inner.clone()),
        })?;
        let inner = inner.borrow().clone();
        self.record(Shape::Map(Box::new(inner)));
        Ok(value)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        self.record(Shape::Other(name));
        Err(de::Error::custom(format!("enum argument {name}")))
    }
    serde::forward_to_deserialize_any! {
        i8 i16 i128 u8 u16 u128 f32 char str string bytes byte_buf unit unit_struct tuple tuple_struct
        identifier ignored_any
    }
}

/// A list with one probed element.
struct One {
    slot: Option<Rc<RefCell<Shape>>>,
}

impl<'de> SeqAccess<'de> for One {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        match self.slot.take() {
            Some(slot) => seed.deserialize(Value { slot }).map(Some),
            None => Ok(None),
        }
    }
}

/// A map with one probed entry, under the key `probe`.
struct OneEntry {
    slot: Option<Rc<RefCell<Shape>>>,
}

impl<'de> MapAccess<'de> for OneEntry {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.slot {
            Some(_) => seed.deserialize("probe".into_deserializer()).map(Some),
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let slot = self.slot.take().ok_or_else(|| de::Error::custom("no entry left"))?;
        seed.deserialize(Value { slot })
    }
}
